namespace FedSharp.Learning.Data.Partitioning;

/// <summary>
/// The pathological non-IID partition of the FedAvg paper (McMahan et al., AISTATS 2017, §3): sort the samples by
/// label, cut them into N × <see cref="ShardsPerClient"/> shards of nearly equal size, and give each client
/// <see cref="ShardsPerClient"/> shards chosen at random. With 2 shards per client most clients see only two
/// labels. Every index is used exactly once.
/// </summary>
public sealed class ShardPartitioner : IDataPartitioner
{
    /// <summary>Creates the partitioner.</summary>
    /// <param name="shardsPerClient">Shards each client receives, ≥ 1; the paper uses 2 (200 shards of 300 for 100 clients).</param>
    public ShardPartitioner(int shardsPerClient = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardsPerClient, 1);
        ShardsPerClient = shardsPerClient;
    }

    /// <summary>Shards each client receives.</summary>
    public int ShardsPerClient { get; }

    /// <inheritdoc />
    public DataPartition Partition(ReadOnlySpan<int> labels, int classCount, int clientCount, Random random)
    {
        SplitPoints.Validate(labels, classCount, clientCount, random);
        long shardCount = (long)clientCount * ShardsPerClient;
        if (shardCount > labels.Length)
        {
            throw new ArgumentException(
                $"{labels.Length} samples cannot be cut into {shardCount} shards ({clientCount} clients × {ShardsPerClient}); use fewer clients or fewer shards per client.",
                nameof(clientCount));
        }

        // Sorting the class lists in index order keeps ties stable, so the shards depend only on the labels.
        List<int>[] byClass = SplitPoints.IndicesByClass(labels, classCount);
        int[] sorted = new int[labels.Length];
        int position = 0;
        foreach (List<int> classIndices in byClass)
        {
            classIndices.CopyTo(sorted, position);
            position += classIndices.Count;
        }

        int[] shardOrder = IidPartitioner.Permutation((int)shardCount, random);
        var clients = new int[clientCount][];
        for (int c = 0; c < clientCount; c++)
        {
            var indices = new List<int>();
            for (int s = 0; s < ShardsPerClient; s++)
            {
                (int start, int length) = SplitPoints.Equal(sorted.Length, (int)shardCount, shardOrder[c * ShardsPerClient + s]);
                indices.AddRange(sorted.AsSpan(start, length));
            }

            clients[c] = [.. indices];
        }

        return new DataPartition(clients);
    }
}
