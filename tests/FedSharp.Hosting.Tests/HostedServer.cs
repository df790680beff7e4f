using System.Net.Http.Headers;
using FedSharp.Core.Configuration;
using FedSharp.Core.Models;
using FedSharp.Core.Protocol;
using FedSharp.Server;
using FedSharp.Testing;
using Google.Protobuf;

namespace FedSharp.Hosting.Tests;

/// <summary>
/// A FederatedServer behind a real Kestrel host on a loopback port chosen by the system, with a manual clock for the
/// round windows and an HttpClient pointed at it. Needs nothing but a free loopback port.
/// </summary>
internal sealed class HostedServer : IAsyncDisposable
{
    public const string FlName = "hosting-test";
    private readonly string _root;

    private HostedServer(string root, ManualTimeProvider time, FederatedServer server, FederatedHost host, HttpClient client)
    {
        _root = root;
        Time = time;
        Server = server;
        Host = host;
        Client = client;
    }

    public ManualTimeProvider Time { get; }

    public FederatedServer Server { get; }

    public FederatedHost Host { get; }

    public HttpClient Client { get; }

    public string Prefix { get; private init; } = string.Empty;

    /// <summary>The 6-value test model: fc.weight [2, 2] then fc.bias [2].</summary>
    public static ModelParameters Model(params float[] values) => new(
    [
        new ParameterTensor("fc.weight", [2, 2], values[..4]),
        new ParameterTensor("fc.bias", [2], values[4..]),
    ]);

    public static ModelParameters Filled(float value) => Model(value, value, value, value, value, value);

    public static float[] Flatten(ModelParameters model) => [.. model.Tensors.SelectMany(t => t.Values)];

    public static async Task<HostedServer> StartAsync(int threshold = 3, Action<FederatedHostOptions>? configure = null, HttpClient? client = null)
    {
        string root = Path.Combine(Path.GetTempPath(), "fedsharp-hosting-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var configuration = new JobConfiguration { FlName = FlName, FlIterationNum = 10 };
        configuration.Round.StartFlJobThreshold = threshold;
        configuration.Round.StartFlJobTimeWindow = TimeSpan.FromSeconds(10);
        configuration.Round.UpdateModelTimeWindow = TimeSpan.FromSeconds(20);
        configuration.FedSharp.CheckpointDir = Path.Combine(root, "ckpt");
        configuration.Summary.MetricsFile = Path.Combine(root, "metrics.json");
        configuration.Summary.FailureEventFile = Path.Combine(root, "event.txt");
        var time = new ManualTimeProvider();
        FederatedServer server = await FederatedServer.StartAsync(configuration, Filled(1f), time, CancellationToken.None);
        FederatedHostOptions options = FederatedHostOptions.FromConfiguration(configuration);
        // fedsharp.http_listen_address refuses port 0, so the system-chosen port is set on the host options.
        options.ListenAddresses = ["127.0.0.1:0"];
        configure?.Invoke(options);
        FederatedHost host = await FederatedHost.StartAsync(server, options, CancellationToken.None);
        client ??= new HttpClient();
        client.BaseAddress = host.Addresses.Count > 0 ? host.Addresses[0] : host.H2cAddresses[0];
        return new HostedServer(root, time, server, host, client) { Prefix = options.UrlPrefix };
    }

    public Task<HttpResponseMessage> PostAsync(string round, byte[] body, string contentType = RoundPaths.ContentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return Client.PostAsync(RoundPaths.For(Prefix, round), content);
    }

    public async Task<TResponse> SendAsync<TResponse>(string round, IMessage request, MessageParser<TResponse> parser)
        where TResponse : IMessage<TResponse>
    {
        using HttpResponseMessage response = await PostAsync(round, request.ToByteArray());
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(RoundPaths.ContentType, response.Content.Headers.ContentType?.MediaType);
        return parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
    }

    public Task<StartFLJobResponse> StartFlJobAsync(string id, int dataSize, uint version = ProtocolVersion.Current)
        => SendAsync(RoundPaths.StartFLJob, new StartFLJobRequest { ProtocolVersion = version, FlName = FlName, FlId = id, DataSize = dataSize }, StartFLJobResponse.Parser);

    public static UpdateModelRequest UpdateRequest(string id, int iteration, ModelParameters weights)
    {
        var request = new UpdateModelRequest { ProtocolVersion = ProtocolVersion.Current, FlName = FlName, FlId = id, Iteration = iteration, UploadLoss = 0.25f };
        request.Tensors.AddRange(TensorCodec.Encode(weights));
        return request;
    }

    public Task<UpdateModelResponse> UpdateModelAsync(UpdateModelRequest request) => SendAsync(RoundPaths.UpdateModel, request, UpdateModelResponse.Parser);

    /// <summary>The newest global model, fetched with getModel over HTTP.</summary>
    public async Task<(int ModelIteration, float[] Values)> GetModelAsync()
    {
        GetModelResponse response = await SendAsync(
            RoundPaths.GetModel,
            new GetModelRequest { ProtocolVersion = ProtocolVersion.Current, FlName = FlName, Iteration = 0 },
            GetModelResponse.Parser);
        Assert.Equal(Retcode.Succeed, response.Retcode);
        Assert.True(TensorCodec.TryDecode(response.Tensors, Filled(0f), out ModelParameters? model, out TensorFault? fault), fault?.Message);
        return (response.ModelIteration, Flatten(model));
    }

    /// <summary>
    /// Three clients join the current iteration, each uploads its own weights, and the new model must be their
    /// data-size-weighted average (FedAvg): (1·2 + 3·6 + 4·10) / 8 = 7.5 in every value.
    /// </summary>
    public async Task AssertFullIterationAsync(string idPrefix)
    {
        (string Id, int DataSize, float Value)[] clients = [($"{idPrefix}-a", 1, 2f), ($"{idPrefix}-b", 3, 6f), ($"{idPrefix}-c", 4, 10f)];
        int iteration = 0;
        foreach ((string id, int dataSize, _) in clients)
        {
            StartFLJobResponse joined = await StartFlJobAsync(id, dataSize);
            Assert.True(joined.Retcode == Retcode.Succeed, joined.Reason);
            iteration = joined.Iteration;
        }

        foreach ((string id, _, float value) in clients)
        {
            UpdateModelResponse updated = await UpdateModelAsync(UpdateRequest(id, iteration, Filled(value)));
            Assert.True(updated.Retcode == Retcode.Succeed, updated.Reason);
        }

        // The update that completed the iteration was acknowledged before aggregation, which runs in the background.
        await Server.Coordinator.WhenIdleAsync();
        GetResultResponse result = await SendAsync(
            RoundPaths.GetResult,
            new GetResultRequest { ProtocolVersion = ProtocolVersion.Current, FlName = FlName, Iteration = iteration },
            GetResultResponse.Parser);
        Assert.Equal(IterationOutcome.Valid, result.Outcome);
        (int modelIteration, float[] values) = await GetModelAsync();
        Assert.Equal(iteration, modelIteration);
        Assert.All(values, v => Assert.Equal(7.5f, v));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        await Server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }
}
