namespace FedSharp.Learning.Data.Partitioning;

/// <summary>Builds the <see cref="IDataPartitioner"/> that <see cref="PartitionerOptions"/> names.</summary>
public static class PartitionerFactory
{
    /// <summary>Builds a partitioner from a config name such as <c>dirichlet</c> or <c>noniid-#label2</c>, with default parameters.</summary>
    public static IDataPartitioner Create(string name, UserPartitionedDataset? users = null) =>
        Create(PartitionerOptions.Parse(name), users);

    /// <summary>Builds the partitioner the options name.</summary>
    /// <param name="options">Kind and parameters.</param>
    /// <param name="users">The per-user data set, required by <see cref="PartitionerKind.Natural"/> only.</param>
    /// <exception cref="ArgumentException">An option is out of range, or <see cref="PartitionerKind.Natural"/> is asked for without users.</exception>
    public static IDataPartitioner Create(PartitionerOptions options, UserPartitionedDataset? users = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options.Kind switch
        {
            PartitionerKind.Iid => new IidPartitioner(),
            PartitionerKind.DirichletLabelSkew => new DirichletLabelPartitioner(options.Beta, options.MinSamplesPerClient, options.MaxDraws),
            PartitionerKind.LabelCount => new LabelCountPartitioner(options.LabelsPerClient),
            PartitionerKind.QuantitySkew => new QuantitySkewPartitioner(options.Beta, options.MinSamplesPerClient, options.MaxDraws),
            PartitionerKind.Shards => new ShardPartitioner(options.ShardsPerClient),
            PartitionerKind.Natural => new NaturalPartitioner(
                users?.UserIndices
                ?? throw new ArgumentException("The natural partition needs a data set with users (LEAF JSON or Synthetic); pass it, or choose iid, dirichlet, labels, quantity or shards.", nameof(users))),
            _ => throw new ArgumentException($"Partitioner kind {options.Kind} is not supported.", nameof(options)),
        };
    }
}
