using FedSharp.Learning.Data.Sampling;

namespace FedSharp.Learning.Data.Partitioning;

/// <summary>
/// NIID-Bench's <c>noniid-labeldir</c> label-distribution skew (Li et al., ICDE 2022, <c>utils.partition_data</c>).
/// For each class k: shuffle its samples, draw p ~ Dir(β·1_N), zero the share of every client that already holds
/// at least n/N samples, renormalise, and cut the class by the cumulative proportions. The whole draw is repeated
/// until every client holds at least <see cref="MinSamplesPerClient"/> samples. Each client's list is shuffled at
/// the end. Every index is used exactly once.
/// </summary>
public sealed class DirichletLabelPartitioner : IDataPartitioner
{
    /// <summary>Creates the partitioner.</summary>
    /// <param name="beta">Dirichlet concentration β &gt; 0; NIID-Bench uses 0.5 (and 0.1). Smaller is more skewed.</param>
    /// <param name="minSamplesPerClient">Redraw until every client holds at least this many samples; NIID-Bench uses 10.</param>
    /// <param name="maxDraws">Give up after this many full draws, ≥ 1.</param>
    public DirichletLabelPartitioner(double beta, int minSamplesPerClient = 10, int maxDraws = 1000)
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

    /// <summary>The smallest client size a draw may produce.</summary>
    public int MinSamplesPerClient { get; }

    /// <summary>How many full draws are tried before giving up.</summary>
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

        List<int>[] byClass = SplitPoints.IndicesByClass(labels, classCount);
        var clients = new List<int>[clientCount];
        var proportions = new double[clientCount];
        var bounds = new int[clientCount + 1];
        double balanceLimit = (double)labels.Length / clientCount;
        for (int draw = 0; draw < MaxDraws; draw++)
        {
            for (int c = 0; c < clientCount; c++)
            {
                clients[c] = [];
            }

            for (int k = 0; k < classCount; k++)
            {
                int[] classIndices = [.. byClass[k]];
                random.Shuffle(classIndices);
                DirichletDistribution.Sample(random, Beta, proportions);

                // NIID-Bench's balance rule: a client that already holds its fair share n/N receives nothing more.
                double sum = 0;
                for (int c = 0; c < clientCount; c++)
                {
                    if (clients[c].Count >= balanceLimit)
                    {
                        proportions[c] = 0;
                    }

                    sum += proportions[c];
                }

                if (sum <= 0)
                {
                    // Only reachable when every client is full, i.e. all samples are placed already.
                    continue;
                }

                for (int c = 0; c < clientCount; c++)
                {
                    proportions[c] /= sum;
                }

                SplitPoints.Proportional(proportions, classIndices.Length, bounds);
                for (int c = 0; c < clientCount; c++)
                {
                    clients[c].AddRange(classIndices.AsSpan(bounds[c], bounds[c + 1] - bounds[c]));
                }
            }

            if (clients.Min(client => client.Count) >= MinSamplesPerClient)
            {
                var result = new int[clientCount][];
                for (int c = 0; c < clientCount; c++)
                {
                    result[c] = [.. clients[c]];
                    random.Shuffle(result[c]);
                }

                return new DataPartition(result);
            }
        }

        throw new ArgumentException(
            $"Dirichlet label partition (β = {Beta}) of {labels.Length} samples over {clientCount} clients left some client below {MinSamplesPerClient} samples in all {MaxDraws} draws; use fewer clients, a larger β, or a lower minimum.",
            nameof(clientCount));
    }
}
