using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using FedSharp.Client.Training;
using FedSharp.Core.Configuration;
using FedSharp.Core.Models;
using FedSharp.Server;
using FedSharp.Server.Checkpoints;

namespace FedSharp.Simulation.Tests;

public sealed class FederatedSimulationTests
{
    [Fact]
    public async Task RunAsync_SmallIidJob_BeatsChanceWithEveryRoundValid()
    {
        // Arrange
        using var directory = new TemporaryDirectory();
        SimulationOptions options = SimulationOptions.FromConfiguration(TestConfigurations.Create(directory.Path));
        FederatedDataset data = TestData.For(options);
        var seen = new List<RoundReport>();

        // Act
        SimulationResult result = await new FederatedSimulation(options, TimeProvider.System)
            .RunAsync(data, new SynchronousProgress<RoundReport>(seen.Add), TestTimeout());

        // Assert
        Assert.Equal([1, 2, 3], result.Rounds.Select(r => r.Round));
        Assert.All(result.Rounds, r => Assert.True(r.Valid, r.Reason));
        Assert.All(result.Rounds, r => Assert.Equal(5, r.Participants));
        Assert.True(result.Summary.FinalAccuracy > 0.5, $"Final accuracy {result.Summary.FinalAccuracy} is not clearly above chance (0.1).");
        Assert.Equal(result.Rounds.Max(r => r.Accuracy), result.Summary.BestAccuracy);
        Assert.Equal(3, result.Summary.ValidRounds);
        Assert.True(result.Summary.LocalTrainingSeconds > 0);
        Assert.Equal(result.Rounds, seen);
    }

    [Fact]
    public async Task RunAsync_RandomSamplingWithAnHourLongWindow_DrawsOnceEveryClientAskedAndDoesNotWaitOutTheWindow()
    {
        // 8 clients, 3 drawn per round, a one-hour startFLJob window: drawing at the deadline would outlast the
        // test's 60 s limit by far; the simulator draws as soon as all 8 have asked.
        using var directory = new TemporaryDirectory();
        JobConfiguration configuration = TestConfigurations.Create(
            directory.Path,
            "simulation.clients=8",
            "round.start_fl_job_threshold=3",
            "round.start_fl_job_time_window=3600000",
            "round.global_iteration_time_window=7200000",
            "fedsharp.client_sampling=random");
        SimulationOptions options = SimulationOptions.FromConfiguration(configuration);

        SimulationResult result = await new FederatedSimulation(options, TimeProvider.System).RunAsync(TestData.For(options), null, TestTimeout());

        Assert.Equal(8, options.CreateServerConfiguration().FedSharp.SamplingTarget);
        Assert.Equal([1, 2, 3], result.Rounds.Select(r => r.Round));
        Assert.All(result.Rounds, r => Assert.True(r.Valid, r.Reason));
        Assert.All(result.Rounds, r => Assert.Equal(3, r.Participants));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task RunAsync_SameConfigurationTwice_BitIdenticalModelsAndReports(int threads)
    {
        // Arrange: unequal shards (Dirichlet), so the clients finish training in an order that varies between runs.
        using var first = new TemporaryDirectory();
        using var second = new TemporaryDirectory();
        string[] overrides = ["simulation.partition=dirichlet", "simulation.min_samples_per_client=10", $"simulation.threads={threads}", "fl_iteration_num=2"];

        // Act
        Run a = await RunReproducibleAsync(TestConfigurations.Create(first.Path, overrides));
        Run b = await RunReproducibleAsync(TestConfigurations.Create(second.Path, overrides));

        // Assert
        Assert.All(a.Result.Rounds, r => Assert.Equal(5, r.Participants));
        AssertSameOutcome(a, b);
    }

    [Fact]
    public async Task RunAsync_OneThreadOrThree_BitIdenticalModelsAndReports()
    {
        using var first = new TemporaryDirectory();
        using var second = new TemporaryDirectory();

        Run one = await RunReproducibleAsync(TestConfigurations.Create(first.Path, "simulation.threads=1", "fl_iteration_num=2"));
        Run three = await RunReproducibleAsync(TestConfigurations.Create(second.Path, "simulation.threads=3", "fl_iteration_num=2"));

        Assert.All(three.Result.Rounds, r => Assert.Equal(5, r.Participants));
        AssertSameOutcome(one, three, sameThreads: false);
    }

    [Fact]
    public async Task RunAsync_DifferentSeed_GivesDifferentLosses()
    {
        using var first = new TemporaryDirectory();
        using var second = new TemporaryDirectory();

        SimulationResult a = await RunAsync(TestConfigurations.Create(first.Path));
        SimulationResult b = await RunAsync(TestConfigurations.Create(second.Path, "simulation.seed=8"));

        Assert.NotEqual(a.Rounds.Select(r => r.Loss), b.Rounds.Select(r => r.Loss));
    }

    [Theory]
    [InlineData("labels")]
    [InlineData("shards")]
    [InlineData("quantity")]
    public async Task RunAsync_NonIidPartition_CompletesEveryRound(string partition)
    {
        using var directory = new TemporaryDirectory();

        SimulationResult result = await RunAsync(TestConfigurations.Create(directory.Path, $"simulation.partition={partition}", "simulation.threads=2"));

        Assert.Equal(3, result.Summary.Rounds);
        Assert.All(result.Rounds, r => Assert.True(r.Valid, r.Reason));
        Assert.All(result.Rounds, r => Assert.True(double.IsFinite(r.Loss)));
    }

    [Fact]
    public async Task RunAsync_FewerClientsPerRoundThanClients_LeftOutClientsRetryAndRoundsComplete()
    {
        using var directory = new TemporaryDirectory();

        SimulationResult result = await RunAsync(TestConfigurations.Create(
            directory.Path, "simulation.clients=8", "round.start_fl_job_threshold=3", "simulation.threads=2", "fl_iteration_num=4"));

        Assert.Equal(4, result.Summary.ValidRounds);
        Assert.All(result.Rounds, r => Assert.Equal(3, r.Participants));
    }

    [Fact]
    public async Task RunAsync_ManyClientsFewThreads_BuildsNoMoreModelsThanThreads()
    {
        using var directory = new TemporaryDirectory();

        SimulationResult result = await RunAsync(TestConfigurations.Create(
            directory.Path, "simulation.clients=30", "round.start_fl_job_threshold=30", "simulation.threads=2", "fl_iteration_num=2"));

        Assert.Equal(2, result.Summary.ValidRounds);
        Assert.All(result.Rounds, r => Assert.Equal(30, r.Participants));
        Assert.InRange(result.Summary.ModelInstances, 1, 2);
    }

    [Fact]
    public async Task RunAsync_UpdateWindowTooShortForTraining_ReportsFailedRoundsWithServerReason()
    {
        using var directory = new TemporaryDirectory();

        SimulationResult result = await RunAsync(TestConfigurations.Create(
            directory.Path, "round.update_model_time_window=1", "simulation.threads=2", "fl_iteration_num=2"));

        Assert.Equal(2, result.Summary.Rounds);
        Assert.Equal(0, result.Summary.ValidRounds);
        Assert.All(result.Rounds, r => Assert.False(r.Valid));
        Assert.All(result.Rounds, r => Assert.Equal(0, r.Participants));
        Assert.All(result.Rounds, r => Assert.Contains("updateModel", r.Reason, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(result.Rounds[0].Accuracy, result.Rounds[1].Accuracy);
    }

    [Fact]
    public async Task RunAsync_EarlierRunInSameReportDirectory_StartsAgainFromRoundOne()
    {
        using var directory = new TemporaryDirectory();
        JobConfiguration configuration = TestConfigurations.Create(directory.Path, "fl_iteration_num=2");
        await RunAsync(configuration);

        SimulationResult again = await RunAsync(configuration);

        Assert.Equal([1, 2], again.Rounds.Select(r => r.Round));
        Assert.Equal(2, File.ReadAllLines(Path.Combine(directory.Path, SimulationOptions.MetricsFileName)).Length);
    }

    [Fact]
    public async Task RunAsync_ThenWriteReport_WritesReadableFiles()
    {
        using var directory = new TemporaryDirectory();
        SimulationOptions options = SimulationOptions.FromConfiguration(TestConfigurations.Create(directory.Path));
        SimulationResult result = await new FederatedSimulation(options, TimeProvider.System)
            .RunAsync(FederatedDataset.Load(options), null, TestTimeout());

        IReadOnlyList<string> files = SimulationReport.Write(options.ReportDirectory, result, options.Describe());

        Assert.Equal(4, File.ReadAllLines(files[0]).Length);
        Assert.Contains("logistic-regression", File.ReadAllText(files[3]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_OverHttp_CompletesEveryRoundAboveChance()
    {
        // Arrange: the server the command line would start, behind a real HTTP listener on loopback.
        using var directory = new TemporaryDirectory();
        SimulationOptions options = SimulationOptions.FromConfiguration(TestConfigurations.Create(directory.Path, "simulation.transport=http", "simulation.threads=2"));
        options.ClearServerFiles();
        await using FederatedServer server = await FederatedServer.StartAsync(
            options.CreateServerConfiguration(), ModelPool.ForZooModel(options.ModelName, options.ModelSeed).InitialParameters, TimeProvider.System, TestTimeout());
        await using var host = new LoopbackHttpHost(server.Handler);

        // Act
        SimulationResult result = await new FederatedSimulation(options, TimeProvider.System).RunAsync(TestData.For(options), [host.Url], null, TestTimeout());

        // Assert
        Assert.Equal(3, result.Summary.ValidRounds);
        Assert.All(result.Rounds, r => Assert.Equal(5, r.Participants));
        Assert.True(result.Summary.FinalAccuracy > 0.5, $"Final accuracy {result.Summary.FinalAccuracy} is not clearly above chance.");
    }

    [Fact]
    public async Task RunAsync_InMemoryOverloadWithHttpTransport_FailsNamingTheKey()
    {
        using var directory = new TemporaryDirectory();
        SimulationOptions options = SimulationOptions.FromConfiguration(TestConfigurations.Create(directory.Path, "simulation.transport=http"));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(
            () => new FederatedSimulation(options, TimeProvider.System).RunAsync(TestData.For(options), null, TestTimeout()));

        Assert.Contains("'simulation.transport'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_DataForOtherClientCount_Fails()
    {
        using var directory = new TemporaryDirectory();
        SimulationOptions five = SimulationOptions.FromConfiguration(TestConfigurations.Create(directory.Path));
        SimulationOptions six = SimulationOptions.FromConfiguration(TestConfigurations.Create(directory.Path, "simulation.clients=6"));

        var ex = await Assert.ThrowsAsync<ArgumentException>(
            () => new FederatedSimulation(five, TimeProvider.System).RunAsync(TestData.For(six), null, TestTimeout()));

        Assert.Contains("6 clients", ex.Message, StringComparison.Ordinal);
    }

    private static async Task<Run> RunReproducibleAsync(JobConfiguration configuration)
    {
        SimulationOptions options = SimulationOptions.FromConfiguration(configuration);
        SimulationResult result = await new FederatedSimulation(options, TimeProvider.System).RunAsync(TestData.For(options), null, TestTimeout());
        var checkpoints = new CheckpointStore(Path.Combine(options.ReportDirectory, "checkpoints"), configuration.FlName, 1, TimeProvider.System);
        Checkpoint finalModel = checkpoints.LoadNewest().Checkpoint
            ?? throw new InvalidOperationException($"The simulation in '{options.ReportDirectory}' left no checkpoint.");
        string[] metrics = File.ReadAllLines(Path.Combine(options.ReportDirectory, SimulationOptions.MetricsFileName));
        return new Run(result, finalModel, metrics);
    }

    // Everything but what measures the machine rather than the training: wall times, and how many models were in use
    // at once (the peak depends on how the trainings happened to overlap).
    private static void AssertSameOutcome(Run a, Run b, bool sameThreads = true)
    {
        Assert.Equal(a.FinalModel.Iteration, b.FinalModel.Iteration);
        Assert.Equal(a.FinalModel.Parameters.Count, b.FinalModel.Parameters.Count);
        for (int i = 0; i < a.FinalModel.Parameters.Count; i++)
        {
            ParameterTensor x = a.FinalModel.Parameters[i];
            ParameterTensor y = b.FinalModel.Parameters[i];
            Assert.Equal(x.Name, y.Name);
            Assert.True(
                MemoryMarshal.AsBytes(x.Values.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(y.Values.AsSpan())),
                $"Tensor '{x.Name}' of the final model differs between the runs.");
        }

        Assert.Equal(a.Result.Rounds.Select(WithoutTimes), b.Result.Rounds.Select(WithoutTimes));
        SimulationSummary summaryA = a.Result.Summary with { Seconds = 0, LocalTrainingSeconds = 0, ModelInstances = 0 };
        SimulationSummary summaryB = b.Result.Summary with { Seconds = 0, LocalTrainingSeconds = 0, ModelInstances = 0 };
        Assert.Equal(summaryA, sameThreads ? summaryB : summaryB with { Threads = summaryA.Threads });
        Assert.Equal(a.Metrics.Select(WithoutTimes), b.Metrics.Select(WithoutTimes));
    }

    private static RoundReport WithoutTimes(RoundReport report) => report with { Seconds = 0, ElapsedSeconds = 0 };

    private static string WithoutTimes(string metricsLine)
    {
        var line = (JsonObject)JsonNode.Parse(metricsLine)!;
        line.Remove("time");
        line.Remove("duration_ms");
        return line.ToJsonString();
    }

    private static async Task<SimulationResult> RunAsync(JobConfiguration configuration)
    {
        SimulationOptions options = SimulationOptions.FromConfiguration(configuration);
        return await new FederatedSimulation(options, TimeProvider.System).RunAsync(TestData.For(options), null, TestTimeout());
    }

    // A simulation that stops making progress fails the test instead of hanging the run.
    private static CancellationToken TestTimeout() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    private sealed record Run(SimulationResult Result, Checkpoint FinalModel, string[] Metrics);

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
