using System.Runtime.InteropServices;
using FedSharp.Core.Configuration;
using FedSharp.Server.Checkpoints;
using Xunit.Abstractions;

namespace FedSharp.Simulation.Tests;

/// <summary>
/// Each strategy end to end through the simulator, as <c>fedsharp simulate</c> runs it: the configuration keys alone
/// switch it on, every round is valid, the global model learns (accuracy well above the 10 % of chance), and the
/// final model differs from FedAvg's run from the same seeds.
/// </summary>
public sealed class StrategySimulationTests(ITestOutputHelper output)
{
    private static readonly Lazy<Task<Outcome>> s_fedAvg = new(() => RunAsync([]));

    public static TheoryData<string, string[]> Strategies() => new()
    {
        { "FedProx", ["aggregation.aggregation_type=FedProx", "aggregation.iid_rate=0.1"] },
        { "FedAvgM", ["fedsharp.server_optimizer=momentum", "fedsharp.server_momentum=0.5"] },
        { "FedAdam", ["fedsharp.server_optimizer=adam", "fedsharp.server_learning_rate=0.03"] },
        { "FedYogi", ["fedsharp.server_optimizer=yogi", "fedsharp.server_learning_rate=0.03"] },
        { "FedAdagrad", ["fedsharp.server_optimizer=adagrad", "fedsharp.server_learning_rate=0.1"] },
        { "SCAFFOLD", ["aggregation.aggregation_type=Scaffold"] },
        { "FedNova", ["aggregation.aggregation_type=FedNova"] },
    };

    [Theory]
    [MemberData(nameof(Strategies))]
    public async Task Simulate_StrategyFromConfiguration_LearnsAndEndsInAnotherModelThanFedAvg(string strategy, string[] keys)
    {
        Outcome fedAvg = await s_fedAvg.Value;

        Outcome run = await RunAsync(keys);
        output.WriteLine($"{run.Description}: final accuracy {run.Result.Summary.FinalAccuracy:F3}; FedAvg from the same seeds {fedAvg.Result.Summary.FinalAccuracy:F3}");

        Assert.All(run.Result.Rounds, r => Assert.True(r.Valid, $"{strategy} round {r.Round}: {r.Reason}"));
        Assert.Equal(3, run.Result.Summary.ValidRounds);
        Assert.True(run.Result.Summary.FinalAccuracy > 0.4, $"{strategy} ended at accuracy {run.Result.Summary.FinalAccuracy} (FedAvg {fedAvg.Result.Summary.FinalAccuracy}); chance is 0.1.");
        Assert.False(run.FinalModel.SequenceEqual(fedAvg.FinalModel), $"{strategy} ended in FedAvg's exact model.");
        Assert.Contains(strategy, run.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_ServerOptimizerState_IsInTheFinalCheckpoint()
    {
        Outcome run = await RunAsync(["fedsharp.server_optimizer=adam", "fedsharp.server_learning_rate=0.01"]);

        Assert.NotNull(run.Checkpoint.StrategyState);
        Assert.Contains(run.Checkpoint.StrategyState.Tensors, t => t.Name.StartsWith("v/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Simulate_Scaffold_ControlVariateIsInTheFinalCheckpointAndNIsTheClientCount()
    {
        Outcome run = await RunAsync(["aggregation.aggregation_type=Scaffold"]);

        Assert.NotNull(run.Checkpoint.StrategyState);
        Assert.All(run.Checkpoint.StrategyState.Tensors, t => Assert.StartsWith("c/", t.Name, StringComparison.Ordinal));
        Assert.Contains(run.Checkpoint.StrategyState.Tensors, t => t.Values.Any(v => v != 0));
        Assert.Contains("SCAFFOLD N=", run.Description, StringComparison.Ordinal);
    }

    private static async Task<Outcome> RunAsync(string[] keys)
    {
        using var directory = new TemporaryDirectory();
        JobConfiguration configuration = TestConfigurations.Create(directory.Path, ["simulation.partition=dirichlet", .. keys]);
        SimulationOptions options = SimulationOptions.FromConfiguration(configuration);
        SimulationResult result = await new FederatedSimulation(options, TimeProvider.System)
            .RunAsync(TestData.For(options), null, new CancellationTokenSource(TimeSpan.FromSeconds(120)).Token);
        var checkpoints = new CheckpointStore(Path.Combine(options.ReportDirectory, "checkpoints"), configuration.FlName, 1, TimeProvider.System);
        Checkpoint final = checkpoints.LoadNewest().Checkpoint
            ?? throw new InvalidOperationException($"The simulation in '{options.ReportDirectory}' left no checkpoint.");
        byte[] bytes = [.. final.Parameters.Tensors.SelectMany(t => MemoryMarshal.AsBytes(t.Values.AsSpan()).ToArray())];
        return new Outcome(result, bytes, final, options.Describe());
    }

    private sealed record Outcome(SimulationResult Result, byte[] FinalModel, Checkpoint Checkpoint, string Description);
}
