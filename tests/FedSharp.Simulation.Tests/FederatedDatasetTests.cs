using FedSharp.Core.Configuration;
using FedSharp.Learning.Data;

namespace FedSharp.Simulation.Tests;

public sealed class FederatedDatasetTests
{
    [Fact]
    public void Load_BundledSubset_DealsEveryTrainingSampleToTheClients()
    {
        SimulationOptions options = SimulationOptions.FromConfiguration(TestConfigurations.Create("/tmp/report"));

        FederatedDataset data = FederatedDataset.Load(options);

        Assert.Equal(5, data.Clients.Count);
        Assert.Equal(6000, data.TrainingSampleCount);
        Assert.All(data.Clients, c => Assert.Equal(1200, c.Count));
        Assert.Equal(1000, data.Test.Count);
        Assert.Contains("fashion-mnist-subset", data.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Partition_SameSeed_GivesSameClientData()
    {
        SimulationOptions options = SimulationOptions.FromConfiguration(TestConfigurations.Create("/tmp/report", "simulation.partition=dirichlet"));

        FederatedDataset a = TestData.For(options);
        FederatedDataset b = TestData.For(options);

        for (int i = 0; i < a.Clients.Count; i++)
        {
            Assert.Equal(a.Clients[i].Labels.ToArray(), b.Clients[i].Labels.ToArray());
        }
    }

    [Fact]
    public void Partition_MoreClientsThanSamples_FailsNamingClientsKey()
    {
        SimulationOptions options = SimulationOptions.FromConfiguration(TestConfigurations.Create("/tmp/report", "simulation.clients=7"));
        var train = new LabeledDataset(new float[6 * 784], [0, 1, 2, 3, 4, 5], [1, 28, 28], 10);

        var ex = Assert.Throws<ConfigurationException>(() => FederatedDataset.Partition(train, train, options, "six samples"));

        ConfigurationError error = Assert.Single(ex.Errors);
        Assert.Equal("simulation.clients", error.KeyPath);
        Assert.Contains("'simulation.clients' is 7 but six samples has only 6 training samples", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Partition_SkewThatCannotBeMet_FailsNamingPartitionKey()
    {
        SimulationOptions options = SimulationOptions.FromConfiguration(TestConfigurations.Create(
            "/tmp/report", "simulation.partition=dirichlet", "simulation.min_samples_per_client=400"));

        var ex = Assert.Throws<ConfigurationException>(() => TestData.For(options));

        Assert.Equal("simulation.partition", Assert.Single(ex.Errors).KeyPath);
    }
}
