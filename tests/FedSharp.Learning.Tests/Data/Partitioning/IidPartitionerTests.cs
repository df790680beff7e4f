using FedSharp.Learning.Data.Partitioning;

namespace FedSharp.Learning.Tests.Data.Partitioning;

public sealed class IidPartitionerTests
{
    [Fact]
    public void Partition_1003SamplesTenClients_ArraySplitSizesAndEveryIndexOnce()
    {
        // Arrange
        int[] labels = PartitionChecks.BalancedLabels(1003, 10, seed: 1);

        // Act
        DataPartition partition = new IidPartitioner().Partition(labels, 10, 10, new Random(42));

        // Assert
        Assert.Equal([101, 101, 101, 100, 100, 100, 100, 100, 100, 100], partition.Sizes());
        PartitionChecks.AssertEveryIndexExactlyOnce(partition, 1003);
    }

    [Fact]
    public void Partition_SameSeed_SamePartitionAndDifferentSeed_Different()
    {
        // Arrange
        int[] labels = PartitionChecks.BalancedLabels(500, 10, seed: 1);
        var partitioner = new IidPartitioner();

        // Act
        DataPartition first = partitioner.Partition(labels, 10, 5, new Random(42));
        DataPartition again = partitioner.Partition(labels, 10, 5, new Random(42));
        DataPartition other = partitioner.Partition(labels, 10, 5, new Random(43));

        // Assert
        Assert.True(PartitionChecks.SameAssignment(first, again));
        Assert.False(PartitionChecks.SameAssignment(first, other));
    }

    [Fact]
    public void Partition_FewerSamplesThanClients_ThrowsNamingCounts()
    {
        // Act
        ArgumentException error = Assert.Throws<ArgumentException>(() => new IidPartitioner().Partition(new int[3], 10, 5, new Random(1)));

        // Assert
        Assert.Contains("3 samples cannot be split among 5 clients", error.Message, StringComparison.Ordinal);
    }
}
