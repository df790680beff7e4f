using FedSharp.Learning.Data.Sampling;

namespace FedSharp.Learning.Data.Partitioning;

/// <summary>
/// NIID-Bench's <c>iid-diff-quantity</c> quantity skew: a random permutation of all samples cut by cumulative
/// proportions q ~ Dir(β·1_N), q redrawn until the smallest share q·n is at least
/// <see cref="MinSamplesPerClient"/>. Labels stay IID; only the amounts differ. Every index is used exactly once.
/// </summary>
public sealed class QuantitySkewPartitioner : IDataPartitioner
{
    /// <summary>Creates the partitioner.</summary>
    /// <param name="beta">Dirichlet concentration β &gt; 0; NIID-Bench uses 0.5. Smaller gives more unequal sizes.</param>
    /// <param name="minSamplesPerClient">Redraw until every share is at least this many samples; NIID-Bench uses 10.</param>
    /// <param name="maxDraws">Give up after this many draws, ≥ 1.</param>
    public QuantitySkewPartitioner(double beta, int minSamplesPerClient = 10, int maxDraws = 10_000)
    {
        if (!(beta > 0) || double.IsInfinity(beta))
        {
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "The Dirichlet concentration β must be a finite number > 0, e.g. 0.5.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(minSamplesPerClient);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDraws, 1);
        Beta = beta;
        MinSamplesPerClient = minSamplesPerClient;
        MaxDraws = maxDraws;
    }

    /// <summary>The Dirichlet concentration β.</summary>
    public double Beta { get; }

    /// <summary>The smallest share, in samples, a draw may produce.</summary>
    public int MinSamplesPerClient { get; }

    /// <summary>How many draws are tried before giving up.</summary>
    public int MaxDraws { get; }

    /// <inheritdoc />
    public DataPartition Partition(ReadOnlySpan<int> labels, int classCount, int clientCount, Random random)
    {
        SplitPoints.Validate(labels, classCount, clientCount, random);
        if ((long)clientCount * MinSamplesPerClient > labels.Length)
        {
            throw new ArgumentException(
                $"{labels.Length} samples cannot give {clientCount} clients at least {MinSamplesPerClient} samples each; use at most {labels.Length / Math.Max(1, MinSamplesPerClient)} clients or lower the minimum.",
                nameof(clientCount));
        }

        int[] permutation = IidPartitioner.Permutation(labels.Length, random);
        var proportions = new double[clientCount];
        for (int draw = 0; draw < MaxDraws; draw++)
        {
            DirichletDistribution.Sample(random, Beta, proportions);
            double smallest = proportions.Min() * labels.Length;
            if (smallest < MinSamplesPerClient)
            {
                continue;
            }

            var bounds = new int[clientCount + 1];
            SplitPoints.Proportional(proportions, labels.Length, bounds);
            var clients = new int[clientCount][];
            for (int c = 0; c < clientCount; c++)
            {
                clients[c] = permutation.AsSpan(bounds[c], bounds[c + 1] - bounds[c]).ToArray();
            }

            return new DataPartition(clients);
        }

        throw new ArgumentException(
            $"Quantity-skew partition (β = {Beta}) of {labels.Length} samples over {clientCount} clients drew a share below {MinSamplesPerClient} samples in all {MaxDraws} draws; use fewer clients, a larger β, or a lower minimum.",
            nameof(clientCount));
    }
}
