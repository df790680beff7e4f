namespace FedSharp.Learning.Data.Partitioning;

/// <summary>
/// NIID-Bench's <c>noniid-#label{K}</c> (#C = K) quantity-based label skew. Client i always holds label
/// <c>i mod C</c> plus K − 1 other distinct labels drawn uniformly at random; each label's samples are shuffled and
/// split into nearly equal parts (<c>np.array_split</c>) among the clients that hold it, in client order. With
/// K = C every client holds every label. Samples of a label no client drew are left out, as in NIID-Bench; every
/// other index is used exactly once.
/// </summary>
public sealed class LabelCountPartitioner : IDataPartitioner
{
    /// <summary>Creates the partitioner.</summary>
    /// <param name="labelsPerClient">K, the number of distinct labels each client holds, ≥ 1 (NIID-Bench: 1, 2, 3).</param>
    public LabelCountPartitioner(int labelsPerClient)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(labelsPerClient, 1);
        LabelsPerClient = labelsPerClient;
    }

    /// <summary>K, the number of distinct labels each client holds.</summary>
    public int LabelsPerClient { get; }

    /// <inheritdoc />
    public DataPartition Partition(ReadOnlySpan<int> labels, int classCount, int clientCount, Random random)
    {
        SplitPoints.Validate(labels, classCount, clientCount, random);
        if (LabelsPerClient > classCount)
        {
            throw new ArgumentException(
                $"Each client cannot hold {LabelsPerClient} distinct labels when the data set has only {classCount} classes; use at most {classCount}.",
                nameof(classCount));
        }

        bool[][] holds = DrawLabelSets(classCount, clientCount, random);
        List<int>[] byClass = SplitPoints.IndicesByClass(labels, classCount);
        var clients = new List<int>[clientCount];
        for (int c = 0; c < clientCount; c++)
        {
            clients[c] = [];
        }

        for (int k = 0; k < classCount; k++)
        {
            int holders = 0;
            for (int c = 0; c < clientCount; c++)
            {
                holders += holds[c][k] ? 1 : 0;
            }

            if (holders == 0)
            {
                continue;
            }

            int[] classIndices = [.. byClass[k]];
            random.Shuffle(classIndices);
            int part = 0;
            for (int c = 0; c < clientCount; c++)
            {
                if (holds[c][k])
                {
                    (int start, int length) = SplitPoints.Equal(classIndices.Length, holders, part++);
                    clients[c].AddRange(classIndices.AsSpan(start, length));
                }
            }
        }

        var result = new int[clientCount][];
        for (int c = 0; c < clientCount; c++)
        {
            result[c] = [.. clients[c]];
        }

        return new DataPartition(result);
    }

    /// <summary>Which labels each client holds: <c>holds[client][label]</c>.</summary>
    private bool[][] DrawLabelSets(int classCount, int clientCount, Random random)
    {
        var holds = new bool[clientCount][];
        for (int c = 0; c < clientCount; c++)
        {
            holds[c] = new bool[classCount];
            if (LabelsPerClient == classCount)
            {
                Array.Fill(holds[c], true);
                continue;
            }

            holds[c][c % classCount] = true;

            // Rejection sampling of distinct labels, as NIID-Bench does with random.randint.
            for (int drawn = 1; drawn < LabelsPerClient;)
            {
                int label = random.Next(classCount);
                if (!holds[c][label])
                {
                    holds[c][label] = true;
                    drawn++;
                }
            }
        }

        return holds;
    }
}
