namespace FedSharp.Learning.Data.Partitioning;

/// <summary>The sample indices each client holds: the output of an <see cref="IDataPartitioner"/>.</summary>
public sealed class DataPartition
{
    private readonly int[][] _clientIndices;

    /// <summary>Wraps the per-client index arrays without copying them.</summary>
    public DataPartition(int[][] clientIndices)
    {
        ArgumentNullException.ThrowIfNull(clientIndices);
        for (int i = 0; i < clientIndices.Length; i++)
        {
            if (clientIndices[i] is null)
            {
                throw new ArgumentException($"Client {i} has a null index array; pass an empty array for a client without samples.", nameof(clientIndices));
            }
        }

        _clientIndices = clientIndices;
    }

    /// <summary>Number of clients.</summary>
    public int ClientCount => _clientIndices.Length;

    /// <summary>The per-client index arrays, indexed by client.</summary>
    public IReadOnlyList<int[]> ClientIndices => _clientIndices;

    /// <summary>The indices of the samples client <paramref name="client"/> holds, in the order it sees them.</summary>
    public ReadOnlySpan<int> Indices(int client) => _clientIndices[client];

    /// <summary>The number of samples of each client.</summary>
    public int[] Sizes()
    {
        var sizes = new int[_clientIndices.Length];
        for (int i = 0; i < sizes.Length; i++)
        {
            sizes[i] = _clientIndices[i].Length;
        }

        return sizes;
    }

    /// <summary>Copies each client's samples out of <paramref name="dataset"/> into its own data set.</summary>
    public LabeledDataset[] Split(LabeledDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var datasets = new LabeledDataset[_clientIndices.Length];
        for (int i = 0; i < datasets.Length; i++)
        {
            datasets[i] = dataset.Subset(_clientIndices[i]);
        }

        return datasets;
    }
}
