using FedSharp.Core.Configuration;
using FedSharp.Core.Models;
using FedSharp.Core.Protocol;
using FedSharp.Server.Strategies;
using FedSharp.Testing;
using Google.Protobuf;

namespace FedSharp.Server.Tests.Configuration;

/// <summary>
/// <c>fedsharp.robust_aggregation</c> and its parameters, and the simulator's attack keys: what each chooses, and the
/// refusals of parameters that would act on nothing and of thresholds the rules cannot work with.
/// </summary>
public sealed class RobustAggregationConfigurationTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("median", typeof(FedMedian))]
    [InlineData("trimmed_mean", typeof(TrimmedMean))]
    [InlineData("krum", typeof(Krum))]
    [InlineData("multi_krum", typeof(MultiKrum))]
    public void FromConfiguration_EachRule_GivesItsStrategy(string rule, Type expected)
    {
        IStrategy? strategy = RobustAggregation.FromConfiguration(Load($"fedsharp:\n  robust_aggregation: {rule}\n", threshold: 10));

        Assert.IsType(expected, strategy);
        Assert.Equal(AccumulatorKind.IndividualUpdates, strategy!.Accumulator.Kind);
    }

    [Fact]
    public void FromConfiguration_None_IsNullSoTheServerRunsFedAvg()
    {
        Assert.Null(RobustAggregation.FromConfiguration(Load(string.Empty)));
    }

    [Fact]
    public void FromConfiguration_Parameters_ReachTheStrategies()
    {
        var trimmed = (TrimmedMean)RobustAggregation.FromConfiguration(Load("fedsharp:\n  robust_aggregation: trimmed_mean\n  trimmed_mean_beta: 0.3\n", threshold: 10))!;
        var multi = (MultiKrum)RobustAggregation.FromConfiguration(Load("fedsharp:\n  robust_aggregation: multi_krum\n  krum_byzantine: 2\n  multi_krum_selected: 5\n", threshold: 10))!;

        Assert.Equal(0.3, trimmed.Beta);
        Assert.Equal(2, multi.Byzantine);
        Assert.Equal(5, multi.Selected);
    }

    [Theory]
    [InlineData("robust_aggregation: median\n  trimmed_mean_beta: 0.3", "fedsharp.trimmed_mean_beta", "acts only with trimmed_mean")]
    [InlineData("trimmed_mean_beta: 0.2", "fedsharp.trimmed_mean_beta", "is none")]
    [InlineData("robust_aggregation: median\n  krum_byzantine: 1", "fedsharp.krum_byzantine", "acts only with krum and multi_krum")]
    [InlineData("krum_byzantine: 0", "fedsharp.krum_byzantine", "is none")]
    [InlineData("robust_aggregation: krum\n  multi_krum_selected: 3", "fedsharp.multi_krum_selected", "acts only with multi_krum")]
    public void Load_ParameterOfARuleNotChosen_IsRefusedAtItsLine_EvenAtItsDefault(string keys, string refusedKey, string reason)
    {
        ConfigurationException error = Assert.Throws<ConfigurationException>(() => Load($"fedsharp:\n  {keys}\n", threshold: 10));

        ConfigurationError named = Assert.Single(error.Errors);
        Assert.Equal(refusedKey, named.KeyPath);
        Assert.Contains(reason, named.Message, StringComparison.Ordinal);
        Assert.True(named.Line > 0, $"{named} has no line");
    }

    [Fact]
    public void ApplyOverrides_ParameterOfARuleNotChosen_IsRefusedNamingTheOverride()
    {
        JobConfiguration configuration = Load("fedsharp:\n  robust_aggregation: median\n", threshold: 10);

        ConfigurationException error = Assert.Throws<ConfigurationException>(() => configuration.ApplyOverrides(["fedsharp.krum_byzantine=2"]));

        Assert.Contains(error.Errors, e => e.KeyPath == "fedsharp.krum_byzantine" && e.Source.Contains("--set", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_KrumWithFTooLargeForTheThreshold_IsRefusedWithTheBoundAndTheFix()
    {
        ConfigurationException error = Assert.Throws<ConfigurationException>(() => Load("fedsharp:\n  robust_aggregation: krum\n  krum_byzantine: 3\n", threshold: 8));

        ConfigurationError named = Assert.Single(error.Errors);
        Assert.Equal("fedsharp.krum_byzantine", named.KeyPath);
        Assert.Contains("needs at least 2f + 3 = 9 updates per iteration", named.Message, StringComparison.Ordinal);
        Assert.Contains("T_update = ceil(round.start_fl_job_threshold × round.update_model_ratio) = 8", named.Message, StringComparison.Ordinal);
        Assert.Contains("lower f to at most 2", named.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_KrumThresholdCountsTheUpdateRatio()
    {
        // T_start 10 with ratio 0.5 aggregates as few as 5 updates: f = 2 needs 7.
        ConfigurationException error = Assert.Throws<ConfigurationException>(() => Load("round:\n  update_model_ratio: 0.5\nfedsharp:\n  robust_aggregation: multi_krum\n  krum_byzantine: 2\n", threshold: 10));

        Assert.Contains(error.Errors, e => e.KeyPath == "fedsharp.krum_byzantine" && e.Message.Contains("= 5", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_MultiKrumSelectingMoreThanTheHonest_IsRefused()
    {
        ConfigurationException error = Assert.Throws<ConfigurationException>(() => Load("fedsharp:\n  robust_aggregation: multi_krum\n  krum_byzantine: 2\n  multi_krum_selected: 9\n", threshold: 10));

        ConfigurationError named = Assert.Single(error.Errors);
        Assert.Equal("fedsharp.multi_krum_selected", named.KeyPath);
        Assert.Contains("at most n − f = 8", named.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TrimmedMeanThatCutsNobody_IsRefused()
    {
        ConfigurationException error = Assert.Throws<ConfigurationException>(() => Load("fedsharp:\n  robust_aggregation: trimmed_mean\n", threshold: 4));

        ConfigurationError named = Assert.Single(error.Errors);
        Assert.Equal("fedsharp.trimmed_mean_beta", named.KeyPath);
        Assert.Contains("cuts ⌊β·n⌋ = 0 values", named.Message, StringComparison.Ordinal);
        Assert.Contains("at least 1/4", named.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.5")]
    [InlineData("0")]
    [InlineData("-0.1")]
    public void Load_BetaOutsideOpenZeroToHalf_IsOutOfRange(string beta)
    {
        ConfigurationException error = Assert.Throws<ConfigurationException>(() => Load($"fedsharp:\n  robust_aggregation: trimmed_mean\n  trimmed_mean_beta: {beta}\n", threshold: 10));

        Assert.Contains(error.Errors, e => e.KeyPath == "fedsharp.trimmed_mean_beta" && e.Message.Contains("(0, 0.5)", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_RobustRuleWithAnotherAggregationType_IsRefused()
    {
        ConfigurationException error = Assert.Throws<ConfigurationException>(() => Load("aggregation:\n  aggregation_type: FedProx\nfedsharp:\n  robust_aggregation: median\n"));

        Assert.Contains(error.Errors, e => e.KeyPath == "fedsharp.robust_aggregation" && e.Message.Contains("'aggregation.aggregation_type' is FedProx", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("attack: sign_flip", "simulation.attack", "nobody would attack")]
    [InlineData("attackers: 0.2", "simulation.attackers", "the attackers would be honest")]
    [InlineData("attack_scale: 10", "simulation.attack_scale", "acts only with sign_flip")]
    [InlineData("attack: sign_flip\n  attackers: 0.05\n  clients: 10", "simulation.attackers", "= 0 of the 10 clients")]
    public void Load_AttackKeysThatWouldActOnNothing_AreRefused(string keys, string refusedKey, string reason)
    {
        ConfigurationException error = Assert.Throws<ConfigurationException>(() => Load($"simulation:\n  {keys}\n"));

        ConfigurationError named = Assert.Single(error.Errors);
        Assert.Equal(refusedKey, named.KeyPath);
        Assert.Contains(reason, named.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SignFlipWithAttackers_CountsFloorOfTheFraction()
    {
        JobConfiguration configuration = Load("simulation:\n  clients: 10\n  attackers: 0.29\n  attack: sign_flip\n  attack_scale: 4\n");

        Assert.Equal(2, configuration.Simulation.AttackerCount);
        Assert.Equal(4, configuration.Simulation.AttackScale);
    }

    [Fact]
    public async Task StartAsync_Median_ServerAggregatesTheMedianOfWhatDevicesUpload()
    {
        JobConfiguration configuration = Load("fedsharp:\n  robust_aggregation: median\n", threshold: 3);
        await using FederatedServer server = await FederatedServer.StartAsync(configuration, Models.Filled(0), new ManualTimeProvider(), CancellationToken.None);
        foreach (string id in new[] { "a", "b", "c" })
        {
            await JoinAsync(server, id);
        }

        await UpdateAsync(server, "a", Models.Filled(1));
        await UpdateAsync(server, "b", Models.Filled(2));
        await UpdateAsync(server, "c", Models.Filled(-1000));

        Assert.Equal(Enumerable.Repeat(1f, 6), Models.Flatten(await ModelAsync(server)));
    }

    [Fact]
    public async Task StartAsync_StrategyInOptionsAndRobustRuleInConfiguration_IsRefused()
    {
        JobConfiguration configuration = Load("fedsharp:\n  robust_aggregation: median\n", threshold: 3);

        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => FederatedServer.StartAsync(
            new FederatedServerOptions { Configuration = configuration, InitialModel = Models.Filled(0), Strategy = new FedAvg() },
            CancellationToken.None));

        Assert.Contains("'fedsharp.robust_aggregation' also chooses a strategy", error.Message, StringComparison.Ordinal);
    }

    private JobConfiguration Load(string extra, int threshold = 2)
    {
        string yaml = $"""
            fl_name: robust
            fl_iteration_num: 2
            server_mode: FEDERATED_LEARNING
            summary:
              metrics_file: '{Path.Combine(_directory.Path, "metrics.json")}'
              failure_event_file: '{Path.Combine(_directory.Path, "event.txt")}'
            """ + "\n" + extra;
        JobConfiguration configuration = JobConfiguration.Parse(yaml, "robust.yaml", [$"round.start_fl_job_threshold={threshold}"]);
        configuration.FedSharp.CheckpointDir = Path.Combine(_directory.Path, "ckpt");
        return configuration;
    }

    private static async Task JoinAsync(FederatedServer server, string id)
    {
        var request = new StartFLJobRequest { ProtocolVersion = 1, FlName = server.Configuration.FlName, FlId = id, DataSize = 4 };
        StartFLJobResponse reply = StartFLJobResponse.Parser.ParseFrom((await server.Handler.HandleAsync(RoundPaths.StartFLJob, request.ToByteArray(), CancellationToken.None)).Body.Span);
        Assert.Equal(Retcode.Succeed, reply.Retcode);
    }

    private static async Task UpdateAsync(FederatedServer server, string id, ModelParameters trained)
    {
        var request = new UpdateModelRequest { ProtocolVersion = 1, FlName = server.Configuration.FlName, FlId = id, Iteration = 1 };
        request.Tensors.AddRange(TensorCodec.Encode(trained));
        UpdateModelResponse reply = UpdateModelResponse.Parser.ParseFrom((await server.Handler.HandleAsync(RoundPaths.UpdateModel, request.ToByteArray(), CancellationToken.None)).Body.Span);
        Assert.Equal(Retcode.Succeed, reply.Retcode);
    }

    private static async Task<ModelParameters> ModelAsync(FederatedServer server)
    {
        // Aggregation runs in the background after the update that completed the iteration was acknowledged.
        await server.Coordinator.WhenIdleAsync();
        var request = new GetModelRequest { ProtocolVersion = 1, FlName = server.Configuration.FlName, Iteration = 1 };
        GetModelResponse reply = GetModelResponse.Parser.ParseFrom((await server.Handler.HandleAsync(RoundPaths.GetModel, request.ToByteArray(), CancellationToken.None)).Body.Span);
        Assert.True(TensorCodec.TryDecode(reply.Tensors, Models.Filled(0), out ModelParameters? model, out TensorFault? fault), fault?.Message);
        return model;
    }
}
