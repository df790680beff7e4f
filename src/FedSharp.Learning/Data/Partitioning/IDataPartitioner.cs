namespace FedSharp.Learning.Data.Partitioning;

/// <summary>
/// Splits a data set's samples among clients. Implementations are deterministic given the state of the
/// <see cref="Random"/> passed in, so a fixed seed reproduces the partition.
/// </summary>
public interface IDataPartitioner
{
    /// <summary>Assigns sample indices to <paramref name="clientCount"/> clients.</summary>
    /// <param name="labels">The label of every sample of the data set, in [0, <paramref name="classCount"/>).</param>
    /// <param name="classCount">Number of classes.</param>
    /// <param name="clientCount">Number of clients (NIID-Bench's parties), ≥ 1.</param>
    /// <param name="random">The seeded source of randomness.</param>
    /// <exception cref="ArgumentException">The arguments cannot be satisfied, e.g. fewer samples than clients need.</exception>
    DataPartition Partition(ReadOnlySpan<int> labels, int classCount, int clientCount, Random random);
}
