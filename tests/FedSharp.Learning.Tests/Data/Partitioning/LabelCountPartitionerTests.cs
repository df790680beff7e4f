using FedSharp.Learning.Data.Partitioning;

namespace FedSharp.Learning.Tests.Data.Partitioning;

public sealed class LabelCountPartitionerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Partition_KLabels_EveryClientHoldsExactlyKIncludingItsOwn(int k)
    {
        // Arrange
        int[] labels = PartitionChecks.BalancedLabels(3000, 10, seed: 1);

        // Act
        DataPartition partition = new LabelCountPartitioner(k).Partition(labels, 10, 10, new Random(0));

        // Assert
        for (int client = 0; client < 10; client++)
        {
            int[] held = PartitionChecks.LabelSet(partition, client, labels);
            Assert.Equal(k, held.Length);
            Assert.Contains(client % 10, held);
        }

        PartitionChecks.AssertNoIndexTwice(partition);
    }

    [Fact]
    public void Partition_OneLabelTenClients_EachClientGetsAllOfItsClass()
    {
        // Arrange
        int[] labels = PartitionChecks.BalancedLabels(1000, 10, seed: 2);

        // Act
        DataPartition partition = new LabelCountPartitioner(1).Partition(labels, 10, 10, new Random(0));

        // Assert
        Assert.All(partition.Sizes(), size => Assert.Equal(100, size));
        PartitionChecks.AssertEveryIndexExactlyOnce(partition, 1000);
    }

    [Fact]
    public void Partition_TwoLabels_EachLabelSplitEquallyAmongItsHolders()
    {
        // Arrange
        int[] labels = PartitionChecks.BalancedLabels(6000, 10, seed: 3);

        // Act
        DataPartition partition = new LabelCountPartitioner(2).Partition(labels, 10, 20, new Random(9));

        // Assert
        for (int label = 0; label < 10; label++)
        {
            int[] shares = Enumerable.Range(0, 20)
                .Select(c => partition.ClientIndices[c].Count(i => labels[i] == label))
                .Where(n => n > 0)
                .ToArray();
            Assert.True(shares.Max() - shares.Min() <= 1, $"label {label} shares {string.Join(",", shares)}");
            Assert.Equal(600, shares.Sum());
        }
    }

    [Fact]
    public void Partition_AllLabels_EveryClientHoldsEveryLabelAndEveryIndexOnce()
    {
        // Arrange
        int[] labels = PartitionChecks.BalancedLabels(1000, 10, seed: 4);

        // Act
        DataPartition partition = new LabelCountPartitioner(10).Partition(labels, 10, 7, new Random(1));

        // Assert
        PartitionChecks.AssertEveryIndexExactlyOnce(partition, 1000);
        Assert.All(Enumerable.Range(0, 7), c => Assert.Equal(10, PartitionChecks.LabelSet(partition, c, labels).Length));
    }

    [Fact]
    public void Partition_SameSeed_SamePartitionAndDifferentSeed_Different()
    {
        // Arrange
        int[] labels = PartitionChecks.BalancedLabels(1000, 10, seed: 5);
        var partitioner = new LabelCountPartitioner(2);

        // Act
        DataPartition first = partitioner.Partition(labels, 10, 10, new Random(1));
        DataPartition again = partitioner.Partition(labels, 10, 10, new Random(1));
        DataPartition other = partitioner.Partition(labels, 10, 10, new Random(2));

        // Assert
        Assert.True(PartitionChecks.SameAssignment(first, again));
        Assert.False(PartitionChecks.SameAssignment(first, other));
    }

    [Fact]
    public void Partition_MoreLabelsThanClasses_ThrowsNamingTheLimit()
    {
        // Act
        ArgumentException error = Assert.Throws<ArgumentException>(() => new LabelCountPartitioner(4).Partition(new int[100], 3, 5, new Random(1)));

        // Assert
        Assert.Contains("only 3 classes", error.Message, StringComparison.Ordinal);
    }
}
