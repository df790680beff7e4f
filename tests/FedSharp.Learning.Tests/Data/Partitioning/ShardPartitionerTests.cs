using FedSharp.Learning.Data.Partitioning;

namespace FedSharp.Learning.Tests.Data.Partitioning;

public sealed class ShardPartitionerTests
{
    [Fact]
    public void Partition_TwoShardsPerClient_EveryIndexOnceAtMostTwoLabelsEach()
    {
        // Arrange: 100 samples per class and 20 shards of 50, so each shard holds one label.
        int[] labels = PartitionChecks.BalancedLabels(1000, 10, seed: 1);

        // Act
        DataPartition partition = new ShardPartitioner().Partition(labels, 10, 10, new Random(2));

        // Assert
        PartitionChecks.AssertEveryIndexExactlyOnce(partition, 1000);
        Assert.All(partition.Sizes(), size => Assert.Equal(100, size));
        Assert.All(Enumerable.Range(0, 10), c => Assert.InRange(PartitionChecks.LabelSet(partition, c, labels).Length, 1, 2));
    }

    [Fact]
    public void Partition_UnevenShards_SizesDifferByAtMostShardsPerClient()
    {
        // Arrange
        int[] labels = PartitionChecks.BalancedLabels(1007, 10, seed: 3);

        // Act
        DataPartition partition = new ShardPartitioner(shardsPerClient: 3).Partition(labels, 10, 7, new Random(4));

        // Assert
        PartitionChecks.AssertEveryIndexExactlyOnce(partition, 1007);
        Assert.True(partition.Sizes().Max() - partition.Sizes().Min() <= 3);
    }

    [Fact]
    public void Partition_SameSeed_SamePartitionAndDifferentSeed_Different()
    {
        // Arrange
        int[] labels = PartitionChecks.BalancedLabels(1000, 10, seed: 5);
        var partitioner = new ShardPartitioner();

        // Act
        DataPartition first = partitioner.Partition(labels, 10, 10, new Random(1));
        DataPartition again = partitioner.Partition(labels, 10, 10, new Random(1));
        DataPartition other = partitioner.Partition(labels, 10, 10, new Random(2));

        // Assert
        Assert.True(PartitionChecks.SameAssignment(first, again));
        Assert.False(PartitionChecks.SameAssignment(first, other));
    }

    [Fact]
    public void Partition_MoreShardsThanSamples_Throws()
    {
        // Act
        ArgumentException error = Assert.Throws<ArgumentException>(() => new ShardPartitioner().Partition(new int[15], 10, 10, new Random(1)));

        // Assert
        Assert.Contains("cannot be cut into 20 shards", error.Message, StringComparison.Ordinal);
    }
}
