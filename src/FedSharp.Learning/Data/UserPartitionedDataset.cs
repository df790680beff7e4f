namespace FedSharp.Learning.Data;

/// <summary>
/// A data set whose samples belong to users (LEAF writers, Synthetic devices): all samples in one
/// <see cref="LabeledDataset"/>, user by user in contiguous runs, plus each user's id and sample indices.
/// </summary>
public sealed class UserPartitionedDataset
{
    private readonly string[] _userIds;
    private readonly int[][] _userIndices;

    /// <summary>Creates the data set; each user's indices must lie inside <paramref name="samples"/>.</summary>
    public UserPartitionedDataset(LabeledDataset samples, IReadOnlyList<string> userIds, IReadOnlyList<int[]> userIndices)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(userIds);
        ArgumentNullException.ThrowIfNull(userIndices);
        if (userIds.Count != userIndices.Count)
        {
            throw new ArgumentException($"{userIds.Count} user ids were given with {userIndices.Count} index arrays; pass one index array per user.", nameof(userIndices));
        }

        for (int u = 0; u < userIndices.Count; u++)
        {
            foreach (int index in userIndices[u] ?? throw new ArgumentException($"User '{userIds[u]}' has a null index array.", nameof(userIndices)))
            {
                if ((uint)index >= (uint)samples.Count)
                {
                    throw new ArgumentException($"User '{userIds[u]}' lists sample {index}, outside the {samples.Count} samples.", nameof(userIndices));
                }
            }
        }

        Samples = samples;
        _userIds = [.. userIds];
        _userIndices = [.. userIndices];
    }

    /// <summary>All samples of all users.</summary>
    public LabeledDataset Samples { get; }

    /// <summary>Number of users.</summary>
    public int UserCount => _userIds.Length;

    /// <summary>The users' ids, in file order.</summary>
    public IReadOnlyList<string> UserIds => _userIds;

    /// <summary>Each user's sample indices into <see cref="Samples"/>, in the order of <see cref="UserIds"/>.</summary>
    public IReadOnlyList<int[]> UserIndices => _userIndices;

    /// <summary>Copies user <paramref name="user"/>'s samples into their own data set.</summary>
    public LabeledDataset ForUser(int user) => Samples.Subset(_userIndices[user]);

    /// <summary>Copies the samples of the user with id <paramref name="userId"/> into their own data set.</summary>
    /// <exception cref="KeyNotFoundException">No user has that id.</exception>
    public LabeledDataset ForUser(string userId)
    {
        int user = Array.IndexOf(_userIds, userId);
        return user >= 0
            ? ForUser(user)
            : throw new KeyNotFoundException($"No user '{userId}' among the {_userIds.Length} users; ids are taken from the file's \"users\" list.");
    }
}
