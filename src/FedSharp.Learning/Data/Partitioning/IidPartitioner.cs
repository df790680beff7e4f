namespace FedSharp.Learning.Data.Partitioning;

/// <summary>
/// NIID-Bench's <c>homo</c> partition: a random permutation of all samples cut into nearly equal parts, the first
/// <c>n mod N</c> clients holding one sample more (<c>np.array_split</c>). Every index is used exactly once.
/// </summary>
public sealed class IidPartitioner : IDataPartitioner
{
    /// <inheritdoc />
    public DataPartition Partition(ReadOnlySpan<int> labels, int classCount, int clientCount, Random random)
    {
        SplitPoints.Validate(labels, classCount, clientCount, random);
        int[] permutation = Permutation(labels.Length, random);
        var clients = new int[clientCount][];
        for (int c = 0; c < clientCount; c++)
        {
            (int start, int length) = SplitPoints.Equal(permutation.Length, clientCount, c);
            clients[c] = permutation.AsSpan(start, length).ToArray();
        }

        return new DataPartition(clients);
    }

    /// <summary>A uniformly random permutation of 0..<paramref name="count"/>-1 (Fisher–Yates).</summary>
    internal static int[] Permutation(int count, Random random)
    {
        var permutation = new int[count];
        for (int i = 0; i < count; i++)
        {
            permutation[i] = i;
        }

        random.Shuffle(permutation);
        return permutation;
    }
}
