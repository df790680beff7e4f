using FedSharp.Core.Configuration;
using FedSharp.Learning.Data.Partitioning;

namespace FedSharp.Simulation.Tests;

public sealed class SimulationOptionsTests
{
    [Fact]
    public void FromConfiguration_Keys_MapsEverySetting()
    {
        // Arrange
        JobConfiguration configuration = TestConfigurations.Create(
            "/tmp/report",
            "simulation.partition=dirichlet",
            "simulation.partition_beta=0.1",
            "simulation.min_samples_per_client=4",
            "client.client_momentum=0.9",
            "client.client_weight_decay=0.00001",
            "simulation.threads=3",
            "round.start_fl_job_threshold=4");

        // Act
        SimulationOptions options = SimulationOptions.FromConfiguration(configuration);

        // Assert
        Assert.Equal(5, options.ClientCount);
        Assert.Equal(4, options.ClientsPerRound);
        Assert.Equal(3, options.Rounds);
        Assert.Equal(1, options.LocalEpochs);
        Assert.Equal(32, options.BatchSize);
        Assert.Equal(0.05f, options.LearningRate);
        Assert.Equal(0.9f, options.Momentum);
        Assert.Equal(0.00001f, options.WeightDecay);
        Assert.Equal("logistic-regression", options.ModelName);
        Assert.Equal(3, options.Threads);
        Assert.Equal(7, options.Seed);
        Assert.Equal(PartitionerKind.DirichletLabelSkew, options.Partition.Kind);
        Assert.Equal(0.1, options.Partition.Beta);
        Assert.Equal(4, options.Partition.MinSamplesPerClient);
        Assert.Equal("/tmp/report", options.ReportDirectory);
    }

    [Fact]
    public void FromConfiguration_ZeroThreads_UsesOnePerCore()
    {
        JobConfiguration configuration = TestConfigurations.Create("/tmp/report", "simulation.threads=0");

        SimulationOptions options = SimulationOptions.FromConfiguration(configuration);

        Assert.Equal(Environment.ProcessorCount, options.Threads);
    }

    [Theory]
    [InlineData("labels", 2)]
    [InlineData("noniid-#label3", 3)]
    public void FromConfiguration_LabelPartition_TakesKFromNameOrKey(string partition, int expectedK)
    {
        JobConfiguration configuration = TestConfigurations.Create("/tmp/report", $"simulation.partition={partition}", "simulation.labels_per_client=2");

        SimulationOptions options = SimulationOptions.FromConfiguration(configuration);

        Assert.Equal(PartitionerKind.LabelCount, options.Partition.Kind);
        Assert.Equal(expectedK, options.Partition.LabelsPerClient);
    }

    [Fact]
    public void FromConfiguration_UnknownPartitioner_FailsNamingKeyAndChoices()
    {
        JobConfiguration configuration = TestConfigurations.Create("/tmp/report", "simulation.partition=dirichlett");

        var ex = Assert.Throws<ConfigurationException>(() => SimulationOptions.FromConfiguration(configuration));

        ConfigurationError error = Assert.Single(ex.Errors);
        Assert.Equal("simulation.partition", error.KeyPath);
        Assert.Contains("dirichlett", error.Message, StringComparison.Ordinal);
        Assert.Contains("dirichlet (noniid-labeldir)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfiguration_UnknownModel_FailsListingZoo()
    {
        JobConfiguration configuration = TestConfigurations.Create("/tmp/report", "fedsharp.model=resnet18");

        var ex = Assert.Throws<ConfigurationException>(() => SimulationOptions.FromConfiguration(configuration));

        ConfigurationError error = Assert.Single(ex.Errors);
        Assert.Equal("fedsharp.model", error.KeyPath);
        Assert.Contains("'resnet18'", error.Message, StringComparison.Ordinal);
        Assert.Contains("simple-cnn", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfiguration_ModelForOtherInputShape_Fails()
    {
        JobConfiguration configuration = TestConfigurations.Create("/tmp/report", "fedsharp.model=lenet5-3x32");

        var ex = Assert.Throws<ConfigurationException>(() => SimulationOptions.FromConfiguration(configuration));

        Assert.Contains("[3, 32, 32]", Assert.Single(ex.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfiguration_SeveralProblems_ReportsAllAtOnce()
    {
        JobConfiguration configuration = TestConfigurations.Create(
            "/tmp/report", "fedsharp.model=resnet18", "simulation.partition=bogus", "round.start_fl_job_threshold=6");

        var ex = Assert.Throws<ConfigurationException>(() => SimulationOptions.FromConfiguration(configuration));

        Assert.Equal(
            ["fedsharp.model", "round.start_fl_job_threshold", "simulation.partition"],
            ex.Errors.Select(e => e.KeyPath).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void CreateServerConfiguration_Copy_RedirectsServerFilesAndKeepsTheRest()
    {
        JobConfiguration configuration = TestConfigurations.Create("/tmp/report", "round.update_model_ratio=0.5", "fedsharp.checkpoint_dir=/var/prod");
        SimulationOptions options = SimulationOptions.FromConfiguration(configuration);

        JobConfiguration server = options.CreateServerConfiguration();

        Assert.NotSame(configuration, server);
        Assert.Equal(Path.Combine("/tmp/report", "checkpoints"), server.FedSharp.CheckpointDir);
        Assert.Equal(Path.Combine("/tmp/report", "metrics.json"), server.Summary.MetricsFile);
        Assert.Equal("/var/prod", configuration.FedSharp.CheckpointDir);
        Assert.Equal(0.5, server.Round.UpdateModelRatio);
        Assert.Equal("sim_test", server.FlName);
        Assert.Equal("logistic-regression", server.FedSharp.Model);
        Assert.Equal(configuration.Encrypt.DpEncrypt.DpEps, server.Encrypt.DpEncrypt.DpEps);
    }
}
