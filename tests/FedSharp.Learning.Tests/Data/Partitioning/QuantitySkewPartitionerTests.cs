using FedSharp.Learning.Data.Partitioning;

namespace FedSharp.Learning.Tests.Data.Partitioning;

public sealed class QuantitySkewPartitionerTests
{
    [Fact]
    public void Partition_BetaHalf_EveryIndexOnceMinimumTenAndUnequalSizes()
    {
        // Arrange
        int[] labels = PartitionChecks.BalancedLabels(5000, 10, seed: 1);

        // Act
        DataPartition partition = new QuantitySkewPartitioner(0.5).Partition(labels, 10, 10, new Random(3));

        // Assert
        int[] sizes = partition.Sizes();
        PartitionChecks.AssertEveryIndexExactlyOnce(partition, 5000);
        Assert.True(sizes.Min() >= 10);
        Assert.True(sizes.Max() > 2 * sizes.Min(), $"sizes {string.Join(",", sizes)} are nearly equal");
    }

    [Fact]
    public void Partition_LargeClient_KeepsLabelsIid()
    {
        // Arrange
        int[] labels = PartitionChecks.BalancedLabels(20000, 10, seed: 2);

        // Act
        DataPartition partition = new QuantitySkewPartitioner(0.5).Partition(labels, 10, 5, new Random(4));

        // Assert: the largest client sees every class at close to its global 10% share.
        int[] largest = partition.ClientIndices.MaxBy(c => c.Length)!;
        Assert.All(
            Enumerable.Range(0, 10),
            k => Assert.InRange(largest.Count(i => labels[i] == k) / (double)largest.Length, 0.07, 0.13));
    }

    [Fact]
    public void Partition_SameSeed_SamePartitionAndDifferentSeed_Different()
    {
        // Arrange
        int[] labels = PartitionChecks.BalancedLabels(1000, 10, seed: 5);
        var partitioner = new QuantitySkewPartitioner(0.5);

        // Act
        DataPartition first = partitioner.Partition(labels, 10, 10, new Random(1));
        DataPartition again = partitioner.Partition(labels, 10, 10, new Random(1));
        DataPartition other = partitioner.Partition(labels, 10, 10, new Random(2));

        // Assert
        Assert.True(PartitionChecks.SameAssignment(first, again));
        Assert.False(PartitionChecks.SameAssignment(first, other));
    }

    [Fact]
    public void Partition_MoreClientsThanSamplesAllow_Throws()
    {
        // Act
        ArgumentException error = Assert.Throws<ArgumentException>(() => new QuantitySkewPartitioner(0.5).Partition(new int[50], 10, 6, new Random(1)));

        // Assert
        Assert.Contains("cannot give 6 clients at least 10 samples", error.Message, StringComparison.Ordinal);
    }
}
