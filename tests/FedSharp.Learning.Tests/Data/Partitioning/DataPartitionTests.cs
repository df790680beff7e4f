using FedSharp.Learning.Data;
using FedSharp.Learning.Data.Partitioning;

namespace FedSharp.Learning.Tests.Data.Partitioning;

public sealed class DataPartitionTests
{
    [Fact]
    public void Split_TwoClients_CopiesEachClientsSamplesInOrder()
    {
        // Arrange
        var dataset = new LabeledDataset([10f, 11f, 20f, 21f, 30f, 31f], [0, 1, 2], [2], 3);
        var partition = new DataPartition([[2, 0], [1]]);

        // Act
        LabeledDataset[] clients = partition.Split(dataset);

        // Assert
        Assert.Equal([30f, 31f, 10f, 11f], clients[0].Features.ToArray());
        Assert.Equal([2, 0], clients[0].Labels.ToArray());
        Assert.Equal([20f, 21f], clients[1].Features.ToArray());
        Assert.Equal([2, 1], partition.Sizes());
    }

    [Fact]
    public void Partition_DirichletOverLabeledDataset_SplitsIntoClientDatasets()
    {
        // Arrange
        int[] labels = PartitionChecks.BalancedLabels(400, 4, seed: 1);
        var dataset = new LabeledDataset(labels.Select(l => (float)l).ToArray(), labels, [1], 4);
        IDataPartitioner partitioner = PartitionerFactory.Create("noniid-labeldir");

        // Act
        LabeledDataset[] clients = partitioner.Partition(dataset.Labels, dataset.ClassCount, 5, new Random(2)).Split(dataset);

        // Assert: the feature was built from the label, so every copied sample still matches its label.
        Assert.Equal(400, clients.Sum(c => c.Count));
        Assert.All(clients, c => Assert.Equal(c.Labels.ToArray().Select(l => (float)l), c.Features.ToArray()));
    }
}
