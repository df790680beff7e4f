using System.Runtime.InteropServices;
using System.Text;
using FedSharp.Core.Configuration;
using FedSharp.Core.Models;
using FedSharp.Core.Protocol;
using FedSharp.Server.Protocol;
using FedSharp.Server.Rounds;
using FedSharp.Server.Stores;
using FedSharp.Server.Strategies;
using FedSharp.Testing;
using Google.Protobuf;

namespace FedSharp.Server.Tests.Protocol;

public sealed class DeviceProtocolHandlerTests : IAsyncLifetime
{
    private const string FlName = "handler-test";
    private readonly ManualTimeProvider _time = new();
    private readonly TemporaryDirectory _root = new();
    private FederatedServer _server = null!;

    private DeviceProtocolHandler Handler => _server.Handler;

    public async Task InitializeAsync()
    {
        _server = await FederatedServer.StartAsync(Configuration(threshold: 3), Models.Filled(1f), _time, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _root.Dispose();
    }

    private JobConfiguration Configuration(int threshold)
    {
        var configuration = new JobConfiguration { FlName = FlName, FlIterationNum = 5 };
        configuration.Round.StartFlJobThreshold = threshold;
        configuration.Round.StartFlJobTimeWindow = TimeSpan.FromSeconds(10);
        configuration.Round.UpdateModelTimeWindow = TimeSpan.FromSeconds(20);
        configuration.FedSharp.CheckpointDir = Path.Combine(_root.Path, "ckpt");
        configuration.Summary.MetricsFile = Path.Combine(_root.Path, "metrics.json");
        configuration.Summary.FailureEventFile = Path.Combine(_root.Path, "event.txt");
        configuration.Client.ClientEpochNum = 2;
        configuration.Client.ClientLearningRate = 0.05;
        return configuration;
    }

    private static StartFLJobRequest StartRequest(string id, int dataSize) => new()
    {
        ProtocolVersion = ProtocolVersion.Current,
        FlName = FlName,
        FlId = id,
        DataSize = dataSize,
    };

    private static UpdateModelRequest UpdateRequest(string id, int iteration, ModelParameters weights)
    {
        var request = new UpdateModelRequest { ProtocolVersion = ProtocolVersion.Current, FlName = FlName, FlId = id, Iteration = iteration, UploadLoss = 0.5f };
        request.Tensors.AddRange(TensorCodec.Encode(weights));
        return request;
    }

    private async Task<TResponse> SendAsync<TResponse>(string round, IMessage request, MessageParser<TResponse> parser)
        where TResponse : IMessage<TResponse>
    {
        ProtocolResponse response = await Handler.HandleAsync(round, request.ToByteArray(), CancellationToken.None);
        Assert.Equal(200, response.StatusCode);
        Assert.Equal(RoundPaths.ContentType, response.ContentType);
        return parser.ParseFrom(response.Body.Span);
    }

    private Task<StartFLJobResponse> StartAsync(StartFLJobRequest request) => SendAsync(RoundPaths.StartFLJob, request, StartFLJobResponse.Parser);

    private Task<UpdateModelResponse> UpdateAsync(UpdateModelRequest request) => SendAsync(RoundPaths.UpdateModel, request, UpdateModelResponse.Parser);

    private async Task<float[]> CurrentModelAsync()
    {
        GetModelResponse model = await SendAsync(
            RoundPaths.GetModel,
            new GetModelRequest { ProtocolVersion = ProtocolVersion.Current, FlName = FlName, Iteration = 0 },
            GetModelResponse.Parser);
        Assert.Equal(Retcode.Succeed, model.Retcode);
        Assert.True(TensorCodec.TryDecode(model.Tensors, Models.Filled(0f), out ModelParameters? parameters, out _));
        return Models.Flatten(parameters);
    }

    [Fact]
    public async Task HandleAsync_UnknownRound_Returns404NamingTheRounds()
    {
        ProtocolResponse response = await Handler.HandleAsync("startFlJob", Array.Empty<byte>(), CancellationToken.None);

        Assert.Equal(404, response.StatusCode);
        Assert.StartsWith("text/plain", response.ContentType, StringComparison.Ordinal);
        Assert.Contains("startFLJob", Encoding.UTF8.GetString(response.Body.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_BodyIsNotProtobuf_Returns400()
    {
        byte[] garbage = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

        ProtocolResponse response = await Handler.HandleAsync(RoundPaths.UpdateModel, garbage, CancellationToken.None);

        Assert.Equal(400, response.StatusCode);
        Assert.Contains(nameof(UpdateModelRequest), Encoding.UTF8.GetString(response.Body.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartFlJob_Accepted_ReturnsPlanModelIterationAndIterationEnd()
    {
        StartFLJobResponse response = await StartAsync(StartRequest("c1", 10));

        Assert.Equal(Retcode.Succeed, response.Retcode);
        Assert.True(response.IsSelected);
        Assert.Equal(1, response.Iteration);
        Assert.Equal(FlName, response.FlPlan.FlName);
        Assert.Equal(2, response.FlPlan.Epochs);
        Assert.Equal(0.05f, response.FlPlan.Lr);
        Assert.True(TensorCodec.TryDecode(response.Tensors, Models.Filled(0f), out ModelParameters? model, out _));
        Assert.All(Models.Flatten(model), v => Assert.Equal(1f, v));
        // The iteration opened at the start of the clock: startFLJob window 10 s plus updateModel window 20 s.
        Assert.Equal(_time.GetUtcNow().AddSeconds(30).ToUnixTimeMilliseconds(), response.NextReqTimeMs);
        Assert.Equal(_time.GetUtcNow().ToUnixTimeMilliseconds(), response.ServerTimeMs);
    }

    /// <summary>The reply as serialising the whole message gives it: the path every reply took before the model's bytes were cached.</summary>
    private StartFLJobResponse FullySerialisedStartReply(int iteration, string reason, ModelParameters model)
    {
        var reply = new StartFLJobResponse
        {
            Retcode = Retcode.Succeed,
            Reason = reason,
            Iteration = iteration,
            IsSelected = true,
            // The clock stands still in these tests, so every iteration opened now: 10 s startFLJob plus 20 s updateModel.
            NextReqTimeMs = _time.GetUtcNow().AddSeconds(30).ToUnixTimeMilliseconds(),
            FlPlan = Configuration(threshold: 3).ToFLPlan(),
            ServerTimeMs = _time.GetUtcNow().ToUnixTimeMilliseconds(),
            UploadCompressType = CompressType.NoCompress,
            DownloadCompressType = CompressType.NoCompress,
            UnsupervisedEvalFlag = UnsupervisedEvalFlag.NotEval,
        };
        reply.Tensors.AddRange(TensorCodec.Encode(model));
        return reply;
    }

    /// <summary>Three clients (a1, b1, c1 in iteration 1) join, unless already joined, and upload <paramref name="value"/> everywhere.</summary>
    private async Task CompleteIterationAsync(int iteration, float value, string? alreadyJoined = null)
    {
        foreach (string id in new[] { "a", "b", "c" }.Where(id => $"{id}{iteration}" != alreadyJoined))
        {
            Assert.Equal(Retcode.Succeed, (await StartAsync(StartRequest($"{id}{iteration}", 1))).Retcode);
        }

        foreach (string id in new[] { "a", "b", "c" })
        {
            Assert.Equal(Retcode.Succeed, (await UpdateAsync(UpdateRequest($"{id}{iteration}", iteration, Models.Filled(value)))).Retcode);
        }

        // The last update is acknowledged before the iteration is aggregated in the background.
        await _server.Coordinator.WhenIdleAsync();
    }

    [Fact]
    public async Task StartFlJob_FirstIteration_ReplyIsByteForByteTheFullySerialisedReply()
    {
        ProtocolResponse response = await Handler.HandleAsync(RoundPaths.StartFLJob, StartRequest("c1", 10).ToByteArray(), CancellationToken.None);

        StartFLJobResponse expected = FullySerialisedStartReply(1, "Client 'c1' joins iteration 1 as participant 1 of 3.", Models.Filled(1f));
        Assert.Equal(200, response.StatusCode);
        Assert.Equal(expected, StartFLJobResponse.Parser.ParseFrom(response.Content));
        Assert.Equal(expected.ToByteArray(), response.Body.ToArray());
        Assert.Equal(expected.CalculateSize(), response.Content.Length);
    }

    [Fact]
    public async Task StartFlJob_NewModelPublished_ReplyCarriesTheNewModelNotTheCachedOne()
    {
        ProtocolResponse first = await Handler.HandleAsync(RoundPaths.StartFLJob, StartRequest("a1", 1).ToByteArray(), CancellationToken.None);
        Assert.Equal(FullySerialisedStartReply(1, "Client 'a1' joins iteration 1 as participant 1 of 3.", Models.Filled(1f)).ToByteArray(), first.Body.ToArray());
        await CompleteIterationAsync(1, 4f, alreadyJoined: "a1");

        ProtocolResponse response = await Handler.HandleAsync(RoundPaths.StartFLJob, StartRequest("late", 1).ToByteArray(), CancellationToken.None);

        StartFLJobResponse parsed = StartFLJobResponse.Parser.ParseFrom(response.Content);
        StartFLJobResponse expected = FullySerialisedStartReply(2, "Client 'late' joins iteration 2 as participant 1 of 3.", Models.Filled(4f));
        Assert.Equal(expected, parsed);
        Assert.Equal(expected.ToByteArray(), response.Body.ToArray());
    }

    [Fact]
    public async Task StartFlJob_TwoClientsOneIteration_RepliesShareTheModelBytes()
    {
        ProtocolResponse first = await Handler.HandleAsync(RoundPaths.StartFLJob, StartRequest("c1", 1).ToByteArray(), CancellationToken.None);
        ProtocolResponse second = await Handler.HandleAsync(RoundPaths.StartFLJob, StartRequest("c2", 1).ToByteArray(), CancellationToken.None);

        // The reply's parts are the fields before the tensors, the tensors, and the fields after them.
        static byte[]? TensorsPart(ProtocolResponse response)
        {
            ReadOnlyMemory<byte>[] parts = [.. Parts(response.Content)];
            Assert.Equal(3, parts.Length);
            return MemoryMarshal.TryGetArray(parts[1], out ArraySegment<byte> tensors) ? tensors.Array : null;
        }

        static IEnumerable<ReadOnlyMemory<byte>> Parts(System.Buffers.ReadOnlySequence<byte> content)
        {
            foreach (ReadOnlyMemory<byte> part in content)
            {
                yield return part;
            }
        }

        Assert.NotNull(TensorsPart(first));
        Assert.Same(TensorsPart(first), TensorsPart(second));
    }

    [Fact]
    public async Task GetModel_AfterNewModelPublished_ReplyIsByteForByteTheFullySerialisedReply()
    {
        await Handler.HandleAsync(RoundPaths.GetModel, new GetModelRequest { ProtocolVersion = ProtocolVersion.Current, FlName = FlName }.ToByteArray(), CancellationToken.None);
        await CompleteIterationAsync(1, 3f);
        var expected = new GetModelResponse
        {
            Retcode = Retcode.Succeed,
            Iteration = 2,
            ModelIteration = 1,
            DownloadCompressType = CompressType.NoCompress,
        };
        expected.Tensors.AddRange(TensorCodec.Encode(Models.Filled(3f)));

        ProtocolResponse response = await Handler.HandleAsync(
            RoundPaths.GetModel,
            new GetModelRequest { ProtocolVersion = ProtocolVersion.Current, FlName = FlName, Iteration = 0 }.ToByteArray(),
            CancellationToken.None);

        GetModelResponse parsed = GetModelResponse.Parser.ParseFrom(response.Content);
        expected.Reason = "A client receives the model of iteration 1.";
        expected.NextReqTimeMs = parsed.NextReqTimeMs;
        Assert.Equal(expected, parsed);
        Assert.Equal(expected.ToByteArray(), response.Body.ToArray());
    }

    [Fact]
    public async Task StartFlJob_WrongFlName_RequestErrorNamingBothJobs()
    {
        StartFLJobRequest request = StartRequest("c1", 10);
        request.FlName = "other-job";

        StartFLJobResponse response = await StartAsync(request);

        Assert.Equal(Retcode.RequestError, response.Retcode);
        Assert.Contains("'other-job'", response.Reason, StringComparison.Ordinal);
        Assert.Contains($"'{FlName}'", response.Reason, StringComparison.Ordinal);
        Assert.Contains("client 'c1'", response.Reason, StringComparison.Ordinal);
        Assert.Empty(response.Tensors);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(ProtocolVersion.Current + 1)]
    public async Task StartFlJob_UnsupportedProtocolVersion_RequestError(uint version)
    {
        StartFLJobRequest request = StartRequest("c1", 10);
        request.ProtocolVersion = version;

        StartFLJobResponse response = await StartAsync(request);

        Assert.Equal(Retcode.RequestError, response.Retcode);
        Assert.Contains("iteration 1", response.Reason, StringComparison.Ordinal);
        Assert.Contains("rotocol", response.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartFlJob_DataSizeZero_RequestError()
    {
        StartFLJobResponse response = await StartAsync(StartRequest("c1", 0));

        Assert.Equal(Retcode.RequestError, response.Retcode);
        Assert.Contains("data_size is 0", response.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateModel_UnknownTensorName_RequestErrorWithCodecMessage()
    {
        await StartAsync(StartRequest("c1", 10));
        UpdateModelRequest request = UpdateRequest("c1", 1, Models.Filled(2f));
        request.Tensors[1].Name = "fc9.bias";

        UpdateModelResponse response = await UpdateAsync(request);

        Assert.Equal(Retcode.RequestError, response.Retcode);
        Assert.Contains("tensor 'fc9.bias' is not part of the model", response.Reason, StringComparison.Ordinal);
        Assert.Contains("client 'c1'", response.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateModel_MillionsOfEmptyTensorEntries_RequestErrorWithoutBuildingThem()
    {
        // Regression: 2 bytes per empty entry let a few MB of body become millions of TensorData objects (gigabytes
        // for a 100 MB body) before anything compared them with the model.
        await StartAsync(StartRequest("c1", 10));
        byte[] header = UpdateRequest("c1", 1, Models.Filled(2f)).ToByteArray();
        byte[] body = new byte[header.Length + 2 * 1_000_000];
        header.CopyTo(body, 0);
        for (int i = header.Length; i < body.Length; i += 2)
        {
            body[i] = 0x2A; // field 5 (tensors), length-delimited
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        ProtocolResponse response = await Handler.HandleAsync(RoundPaths.UpdateModel, body, CancellationToken.None);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        UpdateModelResponse reply = UpdateModelResponse.Parser.ParseFrom(response.Body.Span);
        Assert.Equal(Retcode.RequestError, reply.Retcode);
        Assert.Contains("more than 2 tensors", reply.Reason, StringComparison.Ordinal);
        Assert.True(allocated < 1_000_000, $"the handler allocated {allocated} bytes for a refused request");
        Assert.Equal(Retcode.Succeed, (await UpdateAsync(UpdateRequest("c1", 1, Models.Filled(2f)))).Retcode);
    }

    [Fact]
    public async Task UpdateModel_NaNValue_RequestErrorAndUpdateNotCounted()
    {
        await StartAsync(StartRequest("c1", 10));

        UpdateModelResponse nan = await UpdateAsync(UpdateRequest("c1", 1, Models.Create(1, 2, float.NaN, 4, 5, 6)));
        UpdateModelResponse valid = await UpdateAsync(UpdateRequest("c1", 1, Models.Filled(2f)));

        Assert.Equal(Retcode.RequestError, nan.Retcode);
        Assert.Contains("is NaN", nan.Reason, StringComparison.Ordinal);
        Assert.Equal(Retcode.Succeed, valid.Retcode);
    }

    [Fact]
    public async Task UpdateModel_WithoutStartFlJob_OutOfTime()
    {
        UpdateModelResponse response = await UpdateAsync(UpdateRequest("stranger", 1, Models.Filled(2f)));

        Assert.Equal(Retcode.OutOfTime, response.Retcode);
        Assert.Contains("'stranger'", response.Reason, StringComparison.Ordinal);
        Assert.True(response.NextReqTimeMs > _time.GetUtcNow().ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task UpdateModel_SecondUpdateOfOneClient_RequestError()
    {
        await StartAsync(StartRequest("c1", 10));
        await UpdateAsync(UpdateRequest("c1", 1, Models.Filled(2f)));

        UpdateModelResponse second = await UpdateAsync(UpdateRequest("c1", 1, Models.Filled(3f)));

        Assert.Equal(Retcode.RequestError, second.Retcode);
        Assert.Contains("already sent its update for iteration 1", second.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FullIteration_PlainWeights_NewModelIsDataSizeWeightedAverage()
    {
        (string Id, int DataSize, float Value)[] clients = [("a", 1, 2f), ("b", 3, 6f), ("c", 4, 10f)];
        foreach ((string id, int dataSize, _) in clients)
        {
            Assert.Equal(Retcode.Succeed, (await StartAsync(StartRequest(id, dataSize))).Retcode);
        }

        foreach ((string id, _, float value) in clients)
        {
            Assert.Equal(Retcode.Succeed, (await UpdateAsync(UpdateRequest(id, 1, Models.Filled(value)))).Retcode);
        }

        await _server.Coordinator.WhenIdleAsync();
        GetResultResponse result = await SendAsync(
            RoundPaths.GetResult,
            new GetResultRequest { ProtocolVersion = ProtocolVersion.Current, FlName = FlName, Iteration = 1 },
            GetResultResponse.Parser);
        Assert.Equal(Retcode.Succeed, result.Retcode);
        Assert.Equal(FedSharp.Core.Protocol.IterationOutcome.Valid, result.Outcome);
        Assert.Equal(2, result.Iteration);
        // (1·2 + 3·6 + 4·10) / 8 = 7.5: each client's own weights, weighted by the data size declared at startFLJob.
        Assert.All(await CurrentModelAsync(), v => Assert.Equal(7.5f, v));
    }

    [Fact]
    public async Task FullIteration_MetricsLine_CountsTensorBytesInAndOut()
    {
        foreach (string id in new[] { "a", "b", "c" })
        {
            await StartAsync(StartRequest(id, 2));
        }

        foreach (string id in new[] { "a", "b", "c" })
        {
            await UpdateAsync(UpdateRequest(id, 1, Models.Filled(3f)));
        }

        await _server.Coordinator.WhenIdleAsync();
        string line = Assert.Single(File.ReadAllLines(Path.Combine(_root.Path, "metrics.json")));
        using var metrics = System.Text.Json.JsonDocument.Parse(line);
        // Six float32 values per model: three models handed out by startFLJob, three updates received.
        Assert.Equal(3 * 6 * sizeof(float), metrics.RootElement.GetProperty("bytes_out").GetInt64());
        Assert.Equal(3 * 6 * sizeof(float), metrics.RootElement.GetProperty("bytes_in").GetInt64());
        Assert.Equal(0.5, metrics.RootElement.GetProperty("loss").GetDouble());
    }

    [Fact]
    public async Task GetResult_IterationRunning_NotReadyWithoutOutcome()
    {
        GetResultResponse response = await SendAsync(
            RoundPaths.GetResult,
            new GetResultRequest { ProtocolVersion = ProtocolVersion.Current, FlName = FlName, Iteration = 1 },
            GetResultResponse.Parser);

        Assert.Equal(Retcode.NotReady, response.Retcode);
        Assert.Equal(FedSharp.Core.Protocol.IterationOutcome.Unspecified, response.Outcome);
        Assert.True(response.NextReqTimeMs > _time.GetUtcNow().ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task GetResult_IterationTimedOut_FailedOutcomeWithReason()
    {
        await StartAsync(StartRequest("c1", 10));
        _time.Advance(TimeSpan.FromSeconds(11));
        await _server.Coordinator.WhenIdleAsync();

        GetResultResponse response = await SendAsync(
            RoundPaths.GetResult,
            new GetResultRequest { ProtocolVersion = ProtocolVersion.Current, FlName = FlName, Iteration = 1 },
            GetResultResponse.Parser);

        Assert.Equal(Retcode.Succeed, response.Retcode);
        Assert.Equal(FedSharp.Core.Protocol.IterationOutcome.Failed, response.Outcome);
        Assert.NotEmpty(response.OutcomeReason);
    }

    [Fact]
    public async Task ExchangeKeys_NotEnabled_RequestErrorNamingClientAndIteration()
    {
        ExchangeKeysResponse response = await SendAsync(
            RoundPaths.ExchangeKeys,
            new ExchangeKeysRequest { ProtocolVersion = ProtocolVersion.Current, FlId = "c1", Iteration = 1 },
            ExchangeKeysResponse.Parser);

        Assert.Equal(Retcode.RequestError, response.Retcode);
        Assert.Contains("not enabled in this configuration", response.Reason, StringComparison.Ordinal);
        Assert.Contains("client 'c1'", response.Reason, StringComparison.Ordinal);
        Assert.Contains("iteration 1", response.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_ServerDisposed_Returns503WithRetryAfter()
    {
        await _server.DisposeAsync();

        ProtocolResponse response = await Handler.HandleAsync(RoundPaths.StartFLJob, StartRequest("c1", 1).ToByteArray(), CancellationToken.None);

        Assert.Equal(503, response.StatusCode);
        Assert.NotNull(response.RetryAfter);
    }

    [Fact]
    public async Task HandleAsync_UnexpectedException_SystemErrorAndFaultedRaised()
    {
        // A coordinator that was never initialised has no round state, so every state read throws.
        using var coordinator = new RoundCoordinator(new RoundOptions(), new InMemoryRoundStore(), new InMemoryUpdateStore(), new InMemoryModelStore(), new FedAvg(), _time);
        var handler = new DeviceProtocolHandler(coordinator, Configuration(threshold: 1), new RoundOptions(), Models.Filled(0f), _time);
        var faults = new List<ProtocolFaultEventArgs>();
        handler.Faulted += (_, fault) => faults.Add(fault);

        ProtocolResponse response = await handler.HandleAsync(
            RoundPaths.GetKeys,
            new GetKeysRequest { ProtocolVersion = ProtocolVersion.Current, FlId = "c9" }.ToByteArray(),
            CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        GetKeysResponse reply = GetKeysResponse.Parser.ParseFrom(response.Body.Span);
        Assert.Equal(Retcode.SystemError, reply.Retcode);
        Assert.Contains("client 'c9'", reply.Reason, StringComparison.Ordinal);
        ProtocolFaultEventArgs fault = Assert.Single(faults);
        Assert.Equal(RoundPaths.GetKeys, fault.Round);
        Assert.IsType<InvalidOperationException>(fault.Exception);
    }
}
