namespace FedSharp.Learning.Data.Partitioning;

/// <summary>
/// The natural partition of a federated data set by the user who produced each sample (LEAF's FEMNIST writers,
/// FedProx's Synthetic devices). With as many clients as users each client is one user; with fewer clients the
/// users are shuffled and dealt round-robin, so a client merges several users (as MindSpore's cross-silo FEMNIST
/// example merges 35 writers into 7 clients). Every index listed for a user is used exactly once.
/// </summary>
public sealed class NaturalPartitioner : IDataPartitioner
{
    private readonly int[][] _userIndices;

    /// <summary>Creates the partitioner from each user's sample indices, e.g. <see cref="UserPartitionedDataset.UserIndices"/>.</summary>
    public NaturalPartitioner(IReadOnlyList<int[]> userIndices)
    {
        ArgumentNullException.ThrowIfNull(userIndices);
        if (userIndices.Count == 0)
        {
            throw new ArgumentException("The natural partition needs at least one user.", nameof(userIndices));
        }

        _userIndices = [.. userIndices];
        for (int u = 0; u < _userIndices.Length; u++)
        {
            if (_userIndices[u] is null)
            {
                throw new ArgumentException($"User {u} has no index array; pass an empty array for a user without samples.", nameof(userIndices));
            }
        }
    }

    /// <summary>Number of users.</summary>
    public int UserCount => _userIndices.Length;

    /// <inheritdoc />
    public DataPartition Partition(ReadOnlySpan<int> labels, int classCount, int clientCount, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(clientCount, 1);
        if (clientCount > _userIndices.Length)
        {
            throw new ArgumentException(
                $"The natural partition has {_userIndices.Length} users and cannot serve {clientCount} clients; use at most {_userIndices.Length} clients or another partitioner.",
                nameof(clientCount));
        }

        for (int u = 0; u < _userIndices.Length; u++)
        {
            foreach (int index in _userIndices[u])
            {
                if ((uint)index >= (uint)labels.Length)
                {
                    throw new ArgumentException($"User {u} lists sample {index}, outside the data set of {labels.Length} samples; partition the data set the user indices came from.", nameof(labels));
                }
            }
        }

        if (clientCount == _userIndices.Length)
        {
            var oneToOne = new int[clientCount][];
            for (int c = 0; c < clientCount; c++)
            {
                oneToOne[c] = (int[])_userIndices[c].Clone();
            }

            return new DataPartition(oneToOne);
        }

        int[] userOrder = IidPartitioner.Permutation(_userIndices.Length, random);
        var clients = new List<int>[clientCount];
        for (int c = 0; c < clientCount; c++)
        {
            clients[c] = [];
        }

        for (int i = 0; i < userOrder.Length; i++)
        {
            clients[i % clientCount].AddRange(_userIndices[userOrder[i]]);
        }

        var result = new int[clientCount][];
        for (int c = 0; c < clientCount; c++)
        {
            result[c] = [.. clients[c]];
        }

        return new DataPartition(result);
    }
}
