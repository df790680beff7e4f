using FedSharp.Core.Configuration;
using FedSharp.Core.Models;
using FedSharp.Core.Protocol;
using FedSharp.Testing;
using Google.Protobuf;
using static FedSharp.Server.Tests.Strategies.StrategyPipeline;

namespace FedSharp.Server.Tests.Strategies;

/// <summary>
/// SCAFFOLD's and FedNova's fields over the wire, driven by hand: the plan's <c>strategy</c> (field 12), the update's
/// <c>strategy</c> (field 16), what the server does with them, and what it refuses.
/// </summary>
public sealed class ReportedFieldsProtocolTests : IDisposable
{
    private readonly TemporaryDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void UpdateModelRequest_StrategyField_RoundTripsThroughTheWireAndTheReader()
    {
        var request = new UpdateModelRequest { ProtocolVersion = 1, FlName = "job", FlId = "a", Iteration = 3 };
        request.Tensors.AddRange(TensorCodec.Encode(Vector(1f, 2f)));
        request.Strategy = new StrategyParameters(
            new Dictionary<string, double> { [StrategyFieldNames.LocalSteps] = 7, [StrategyFieldNames.NormalizingCoefficient] = 5.5 },
            new ModelParameters([new ParameterTensor("delta_c/w", [2], [0.25f, -1f])])).ToMessage();
        byte[] bytes = request.ToByteArray();

        UpdateModelRequest parsed = global::FedSharp.Server.Protocol.UpdateModelReader.TryParse(bytes, 16, out _)!;
        StrategyParameters fields = StrategyParameters.FromMessage(parsed.Strategy, "The update");

        Assert.Equal(16, UpdateModelRequest.StrategyFieldNumber);
        Assert.Equal(7, fields.Scalars[StrategyFieldNames.LocalSteps]);
        Assert.Equal(5.5, fields.Scalars[StrategyFieldNames.NormalizingCoefficient]);
        Assert.Equal([0.25f, -1f], fields.Tensors![0].Values);
        Assert.Equal([1f, 2f], Models.Flatten(TensorCodecDecode(parsed)));
    }

    [Fact]
    public async Task Scaffold_TwoIterationsOverTheProtocol_ModelAndControlVariateAsComputedByHand()
    {
        await using FederatedServer server = await StartAsync(Scaffold("straight"));

        // Iteration 1 from w = [1, 2], c = 0: as ScaffoldTests' hand computation.
        Assert.Equal(new float[] { 0f, 0f }, await JoinAsync(server, 1));
        await UploadAsync(server, "a", 1, [0.5f, 1.5f], Tensors("delta_c", 0.25f, -0.5f));
        await UploadAsync(server, "b", 1, [2f, 0f], Tensors("delta_c", 0.75f, 0.5f));
        await server.Coordinator.WhenIdleAsync();

        // Iteration 2 carries c = [0.25, 0] and trains from [1.5, 0.5].
        Assert.Equal(new float[] { 0.25f, 0f }, await JoinAsync(server, 2, expectedModel: [1.5f, 0.5f]));
        await UploadAsync(server, "a", 2, [1f, 1f], Tensors("delta_c", -0.5f, 1f));
        await UploadAsync(server, "b", 2, [2f, 0.5f], Tensors("delta_c", 0.5f, 1f));
        await server.Coordinator.WhenIdleAsync();

        Assert.Equal(new float[] { 0.25f, 0.5f }, await JoinAsync(server, 3, expectedModel: [10f / 6f, 4f / 6f]));
    }

    [Fact]
    public async Task Scaffold_RestartAfterAnIteration_ThePlanCarriesTheSavedControlVariate()
    {
        await using (FederatedServer first = await StartAsync(Scaffold("restart")))
        {
            await JoinAsync(first, 1);
            await UploadAsync(first, "a", 1, [0.5f, 1.5f], Tensors("delta_c", 0.25f, -0.5f));
            await UploadAsync(first, "b", 1, [2f, 0f], Tensors("delta_c", 0.75f, 0.5f));
            await first.Coordinator.WhenIdleAsync();
        }

        await using FederatedServer resumed = await StartAsync(Scaffold("restart"));

        Assert.Equal(1, resumed.Startup.ResumedFrom?.Iteration);
        Assert.Equal(new float[] { 0.25f, 0f }, await JoinAsync(resumed, 2, expectedModel: [1.5f, 0.5f]));
    }

    [Fact]
    public async Task FedNova_OneIterationOverTheProtocol_NormalizedAverage()
    {
        JobConfiguration configuration = Configuration("nova", AggregationType.FedNova);
        await using FederatedServer server = await StartAsync(configuration);

        StartFLJobResponse start = await StartAsync(server, "a", 2);
        Assert.Equal(1, start.FlPlan.Strategy.Scalars[StrategyFieldNames.ReportLocalSteps]);
        Assert.Equal(AggregationType.FedNova, start.FlPlan.Aggregation.Type);
        await StartAsync(server, "b", 6);
        await UploadAsync(server, "a", 1, [0f, 2f], Scalars((StrategyFieldNames.LocalSteps, 2), (StrategyFieldNames.NormalizingCoefficient, 2)));
        await UploadAsync(server, "b", 1, [1f, 1f], Scalars((StrategyFieldNames.LocalSteps, 4), (StrategyFieldNames.NormalizingCoefficient, 4)));
        await server.Coordinator.WhenIdleAsync();

        Assert.Equal(new float[] { 0.5625f, 1.34375f }, await ModelAsync(server, 1));
    }

    [Theory]
    [InlineData(AggregationType.FedAvg, "local_steps", "FedAvg strategy asks for none")]
    [InlineData(AggregationType.Scaffold, "none", "delta_c")]
    [InlineData(AggregationType.Scaffold, "malformed", "strategy tensor 'delta_c/w'")]
    [InlineData(AggregationType.Scaffold, "nan", "NaN")]
    [InlineData(AggregationType.FedNova, "none", "local_steps")]
    public async Task UpdateModel_FieldsTheStrategyDoesNotAskFor_RequestErrorNamingThem(AggregationType type, string fields, string named)
    {
        await using FederatedServer server = await StartAsync(type == AggregationType.Scaffold ? Scaffold("refused") : Configuration("refused", type));
        await JoinAsync(server, 1);
        var request = new UpdateModelRequest { ProtocolVersion = 1, FlName = "fields", FlId = "a", Iteration = 1 };
        request.Tensors.AddRange(TensorCodec.Encode(Vector(0f, 0f)));
        request.Strategy = fields switch
        {
            "local_steps" => Scalars((StrategyFieldNames.LocalSteps, 2)).ToMessage(),
            "malformed" => new StrategyConfig { Tensors = { new TensorData { Name = "delta_c/w", Shape = { 2 }, Data = ByteString.CopyFrom(new byte[7]) } } },
            "nan" => Tensors("delta_c", float.NaN, 0f).ToMessage(),
            _ => null,
        };

        UpdateModelResponse reply = UpdateModelResponse.Parser.ParseFrom((await server.Handler.HandleAsync(RoundPaths.UpdateModel, request.ToByteArray(), CancellationToken.None)).Body.Span);

        Assert.Equal(Retcode.RequestError, reply.Retcode);
        Assert.Contains(named, reply.Reason, StringComparison.Ordinal);
    }

    private static ModelParameters TensorCodecDecode(UpdateModelRequest request)
    {
        Assert.True(TensorCodec.TryDecode(request.Tensors, Vector(0f, 0f), out ModelParameters? decoded, out _));
        return decoded;
    }

    private JobConfiguration Scaffold(string folder)
    {
        JobConfiguration configuration = Configuration(folder, AggregationType.Scaffold);
        configuration.Aggregation.TotalClientNum = 4;
        return configuration;
    }

    private JobConfiguration Configuration(string folder, AggregationType type)
    {
        var configuration = new JobConfiguration { FlName = "fields", FlIterationNum = 5 };
        configuration.Round.StartFlJobThreshold = 2;
        configuration.Aggregation.AggregationType = type;
        configuration.FedSharp.CheckpointDir = Path.Combine(_root.Path, folder, "ckpt");
        configuration.Summary.MetricsFile = Path.Combine(_root.Path, folder, "metrics.json");
        configuration.Summary.FailureEventFile = Path.Combine(_root.Path, folder, "event.txt");
        return configuration;
    }

    private static Task<FederatedServer> StartAsync(JobConfiguration configuration)
        => FederatedServer.StartAsync(configuration, Vector(1f, 2f), new ManualTimeProvider(), CancellationToken.None);

    // Both clients join (data sizes 2 and 4); returns the plan's control variate, checking the model sent.
    private static async Task<float[]> JoinAsync(FederatedServer server, int iteration, float[]? expectedModel = null)
    {
        StartFLJobResponse a = await StartAsync(server, "a", 2);
        await StartAsync(server, "b", 4);
        Assert.Equal(iteration, a.Iteration);
        Assert.True(TensorCodec.TryDecode(a.Tensors, Vector(0f, 0f), out ModelParameters? model, out _));
        Assert.Equal(expectedModel ?? [1f, 2f], Models.Flatten(model));
        StrategyParameters plan = StrategyParameters.FromMessage(a.FlPlan.Strategy);
        return plan.Tensors is null ? [] : Models.Flatten(plan.Tensors);
    }

    private static async Task<StartFLJobResponse> StartAsync(FederatedServer server, string client, int dataSize)
    {
        var start = StartFLJobResponse.Parser.ParseFrom((await server.Handler.HandleAsync(
            RoundPaths.StartFLJob,
            new StartFLJobRequest { ProtocolVersion = 1, FlName = "fields", FlId = client, DataSize = dataSize }.ToByteArray(),
            CancellationToken.None)).Body.Span);
        Assert.Equal(Retcode.Succeed, start.Retcode);
        return start;
    }

    private static async Task UploadAsync(FederatedServer server, string client, int iteration, float[] weights, StrategyParameters fields)
    {
        var request = new UpdateModelRequest { ProtocolVersion = 1, FlName = "fields", FlId = client, Iteration = iteration, Strategy = fields.ToMessage() };
        request.Tensors.AddRange(TensorCodec.Encode(Vector(weights)));
        var reply = UpdateModelResponse.Parser.ParseFrom((await server.Handler.HandleAsync(RoundPaths.UpdateModel, request.ToByteArray(), CancellationToken.None)).Body.Span);
        Assert.True(reply.Retcode == Retcode.Succeed, reply.Reason);
    }

    private static async Task<float[]> ModelAsync(FederatedServer server, int iteration)
    {
        var model = GetModelResponse.Parser.ParseFrom((await server.Handler.HandleAsync(
            RoundPaths.GetModel, new GetModelRequest { ProtocolVersion = 1, FlName = "fields", Iteration = iteration }.ToByteArray(), CancellationToken.None)).Body.Span);
        Assert.Equal(iteration, model.ModelIteration);
        Assert.True(TensorCodec.TryDecode(model.Tensors, Vector(0f, 0f), out ModelParameters? decoded, out _));
        return Models.Flatten(decoded);
    }
}
