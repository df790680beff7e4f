using FedSharp.Client;
using FedSharp.Client.Training;
using FedSharp.Core.Configuration;
using FedSharp.Core.Models;
using FedSharp.Core.Protocol;
using Xunit.Abstractions;

namespace FedSharp.Simulation.Tests;

/// <summary>
/// The simulator's attackers (<c>simulation.attack: sign_flip</c>) against the server's aggregators, end to end: one
/// attacker among five clients ruins FedAvg and not the coordinate-wise median.
/// </summary>
public sealed class RobustnessTests(ITestOutputHelper output)
{
    private static readonly string[] s_oneAttackerInFive = ["simulation.attackers=0.2", "simulation.attack=sign_flip", "simulation.attack_scale=10"];

    [Fact]
    public async Task RunAsync_OneSignFlipAttackerInFive_HarmsFedAvg_NotTheMedian()
    {
        using var directory = new TemporaryDirectory();

        SimulationResult clean = await RunAsync(TestConfigurations.Create(Path.Combine(directory.Path, "clean")));
        SimulationResult fedAvg = await RunAsync(TestConfigurations.Create(Path.Combine(directory.Path, "fedavg"), s_oneAttackerInFive));
        SimulationResult median = await RunAsync(TestConfigurations.Create(Path.Combine(directory.Path, "median"), [.. s_oneAttackerInFive, "fedsharp.robust_aggregation=median"]));

        output.WriteLine($"final accuracy: clean FedAvg {clean.Summary.FinalAccuracy:P2}, attacked FedAvg {fedAvg.Summary.FinalAccuracy:P2}, attacked median {median.Summary.FinalAccuracy:P2}");
        Assert.All([.. clean.Rounds, .. fedAvg.Rounds, .. median.Rounds], r => Assert.True(r.Valid, r.Reason));
        double harmed = clean.Summary.FinalAccuracy - fedAvg.Summary.FinalAccuracy;
        Assert.True(harmed > 0.2, $"FedAvg under attack reached {fedAvg.Summary.FinalAccuracy:P1} against {clean.Summary.FinalAccuracy:P1} clean; the attacker should cost it more than 20 points.");
        Assert.True(median.Summary.FinalAccuracy > 0.5, $"The median under attack reached {median.Summary.FinalAccuracy:P1} (clean FedAvg {clean.Summary.FinalAccuracy:P1}); it should stay clearly above chance.");
        Assert.True(median.Summary.FinalAccuracy > fedAvg.Summary.FinalAccuracy + 0.2, $"median {median.Summary.FinalAccuracy:P1}, FedAvg {fedAvg.Summary.FinalAccuracy:P1} under the same attack.");
    }

    [Fact]
    public void AttackerIndices_SameSeed_SameClients_DrawnFromTheFraction()
    {
        using var directory = new TemporaryDirectory();
        string[] twoOfTen = ["simulation.clients=10", "simulation.attackers=0.25", "simulation.attack=sign_flip"];

        SimulationOptions first = SimulationOptions.FromConfiguration(TestConfigurations.Create(directory.Path, twoOfTen));
        SimulationOptions second = SimulationOptions.FromConfiguration(TestConfigurations.Create(directory.Path, twoOfTen));
        SimulationOptions honest = SimulationOptions.FromConfiguration(TestConfigurations.Create(directory.Path));

        Assert.Equal(2, first.AttackerIndices.Count);
        Assert.Equal(first.AttackerIndices, second.AttackerIndices);
        Assert.All(first.AttackerIndices, i => Assert.InRange(i, 0, 9));
        Assert.Empty(honest.AttackerIndices);
        Assert.EndsWith($"2 of 10 clients attack (sign_flip, s = 10): {string.Join(", ", first.AttackerIndices.Select(FederatedSimulation.ClientId))}", first.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void SignFlipAttack_BeforeUpload_SendsTheReversedScaledStep()
    {
        var global = new ModelParameters([new ParameterTensor("w", [3], [1, 0, -2])]);
        var trained = new ModelParameters([new ParameterTensor("w", [3], [1.5f, -1, -2])]);

        new SignFlipAttack(10).BeforeUpload(new UploadContext(1, new FLPlan(), StrategyParameters.None, global, trained));

        // w_global − 10·(w_trained − w_global): 1 − 5, 0 + 10, −2 − 0.
        Assert.Equal([-4f, 10f, -2f], trained[0].Values);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    public void SignFlipAttack_ScaleNotPositive_Throws(float scale)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SignFlipAttack(scale));
    }

    [Theory]
    [InlineData("simulation.attackers=0.2", "simulation.attack=sign_flip")]
    [InlineData("fedsharp.robust_aggregation=median", "round.start_fl_job_threshold=5")]
    public void Export_AttackersOrRobustRule_RefusedBecauseTheReferenceRunsPlainFedAvg(string first, string second)
    {
        using var directory = new TemporaryDirectory();
        SimulationOptions options = SimulationOptions.FromConfiguration(TestConfigurations.Create(directory.Path, first, second));

        ArgumentException error = Assert.Throws<ArgumentException>(
            () => SimulationExport.Write(Path.Combine(directory.Path, "export"), options, TestData.For(options), ModelPool.ForZooModel(options.ModelName, options.ModelSeed).InitialParameters));

        Assert.Contains("fedavg_torch.py", error.Message, StringComparison.Ordinal);
    }

    private static async Task<SimulationResult> RunAsync(JobConfiguration configuration)
    {
        SimulationOptions options = SimulationOptions.FromConfiguration(configuration);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await new FederatedSimulation(options, TimeProvider.System).RunAsync(TestData.For(options), null, timeout.Token);
    }
}
