using FedSharp.Learning.Data.Partitioning;

namespace FedSharp.Learning.Tests.Data.Partitioning;

public sealed class DirichletLabelPartitionerTests
{
    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(100.0)]
    public void Partition_TenClients_EveryIndexOnceAndEveryClientAtLeastTen(double beta)
    {
        // Arrange
        int[] labels = PartitionChecks.BalancedLabels(2000, 10, seed: 2);

        // Act
        DataPartition partition = new DirichletLabelPartitioner(beta).Partition(labels, 10, 10, new Random(0));

        // Assert
        PartitionChecks.AssertEveryIndexExactlyOnce(partition, 2000);
        Assert.All(partition.Sizes(), size => Assert.True(size >= 10, $"client size {size} < 10"));
    }

    [Fact]
    public void Partition_HigherMinimum_HonoursIt()
    {
        // Arrange
        int[] labels = PartitionChecks.BalancedLabels(2000, 10, seed: 2);

        // Act
        DataPartition partition = new DirichletLabelPartitioner(0.5, minSamplesPerClient: 100).Partition(labels, 10, 10, new Random(3));

        // Assert
        Assert.True(partition.Sizes().Min() >= 100);
    }

    [Fact]
    public void Partition_SmallBeta_SkewsLabelsMoreThanLargeBeta()
    {
        // Arrange
        int[] labels = PartitionChecks.BalancedLabels(5000, 10, seed: 4);

        // Act
        double skewed = AverageLargestClassShare(new DirichletLabelPartitioner(0.1).Partition(labels, 10, 10, new Random(5)), labels);
        double even = AverageLargestClassShare(new DirichletLabelPartitioner(100).Partition(labels, 10, 10, new Random(5)), labels);

        // Assert
        Assert.True(skewed > 0.5, $"β = 0.1 average largest class share {skewed:F3}");
        Assert.True(even < 0.2, $"β = 100 average largest class share {even:F3}");
    }

    [Fact]
    public void Partition_SameSeed_SamePartitionAndDifferentSeed_Different()
    {
        // Arrange
        int[] labels = PartitionChecks.BalancedLabels(1000, 10, seed: 6);
        var partitioner = new DirichletLabelPartitioner(0.5);

        // Act
        DataPartition first = partitioner.Partition(labels, 10, 10, new Random(11));
        DataPartition again = partitioner.Partition(labels, 10, 10, new Random(11));
        DataPartition other = partitioner.Partition(labels, 10, 10, new Random(12));

        // Assert
        Assert.True(PartitionChecks.SameAssignment(first, again));
        Assert.False(PartitionChecks.SameAssignment(first, other));
    }

    [Fact]
    public void Partition_MoreClientsThanSamplesOverMinimum_ThrowsBeforeDrawing()
    {
        // Arrange
        int[] labels = PartitionChecks.BalancedLabels(200, 10, seed: 7);

        // Act
        ArgumentException error = Assert.Throws<ArgumentException>(() => new DirichletLabelPartitioner(0.5).Partition(labels, 10, 30, new Random(1)));

        // Assert
        Assert.Contains("cannot give 30 clients at least 10 samples", error.Message, StringComparison.Ordinal);
        Assert.Contains("at most 20 clients", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Partition_MinimumNeverMetWithinDrawBudget_ThrowsAfterBoundedDraws()
    {
        // Arrange: 100 samples over 10 clients with a minimum of 10 needs a perfectly even split.
        int[] labels = PartitionChecks.BalancedLabels(100, 10, seed: 8);
        var partitioner = new DirichletLabelPartitioner(0.1, minSamplesPerClient: 10, maxDraws: 5);

        // Act
        ArgumentException error = Assert.Throws<ArgumentException>(() => partitioner.Partition(labels, 10, 10, new Random(1)));

        // Assert
        Assert.Contains("in all 5 draws", error.Message, StringComparison.Ordinal);
        Assert.Contains("fewer clients, a larger β", error.Message, StringComparison.Ordinal);
    }

    private static double AverageLargestClassShare(DataPartition partition, int[] labels) =>
        partition.ClientIndices.Average(indices => indices.GroupBy(i => labels[i]).Max(g => g.Count()) / (double)indices.Length);
}
