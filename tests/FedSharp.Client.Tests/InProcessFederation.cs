using System.Collections.Concurrent;
using FedSharp.Client.Training;
using FedSharp.Client.Transport;
using FedSharp.Core.Configuration;
using FedSharp.Core.Models;
using FedSharp.Core.Protocol;
using FedSharp.Learning.Models;
using FedSharp.Server;
using FedSharp.Server.Protocol;
using FedSharp.Server.Rounds;
using FedSharp.Server.Stores;
using FedSharp.Server.Strategies;
using FedSharp.Testing;
using Google.Protobuf;

namespace FedSharp.Client.Tests;

/// <summary>
/// A real <see cref="FederatedServer"/> on a manual clock (or, with <see cref="StartWithRoundStoreAsync"/>, its
/// coordinator and handler over a round store the test controls), reached through <see cref="InProcessTransport"/>,
/// which also records every accepted update and every model handed out so tests can recompute FedAvg. Every job
/// created here reads the clock through a view of its own, so the driver (InProcessFederation.Driver.cs) can tell
/// when it waits.
/// </summary>
internal sealed partial class InProcessFederation : IAsyncDisposable
{
    public const string FlName = "client-e2e";
    public const string Model = ModelZoo.LogisticRegression;

    private readonly string _directory;
    private readonly IAsyncDisposable _server;

    private InProcessFederation(string directory, ManualTimeProvider time, RoundCoordinator coordinator, DeviceProtocolHandler handler, IAsyncDisposable server)
    {
        _directory = directory;
        Time = time;
        Coordinator = coordinator;
        Handler = handler;
        _server = server;
        Transport = new InProcessTransport(SendAsync);
    }

    /// <summary>The server's clock; every job reads it through a view of its own.</summary>
    public ManualTimeProvider Time { get; }

    public RoundCoordinator Coordinator { get; }

    public DeviceProtocolHandler Handler { get; }

    public InProcessTransport Transport { get; }

    /// <summary>Accepted updates per iteration: client id → the tensors it uploaded.</summary>
    public ConcurrentDictionary<(int Iteration, string ClientId), ModelParameters> Updates { get; } = new();

    /// <summary>The model every successful startFLJob of an iteration handed out.</summary>
    public ConcurrentDictionary<int, ModelParameters> ModelsHandedOut { get; } = new();

    /// <summary>Rewrites replies before the client sees them (e.g. a next_req_time in the past); null for none.</summary>
    public Func<string, StartFLJobResponse, StartFLJobResponse>? StartFLJobRewrite { get; set; }

    public static async Task<InProcessFederation> StartAsync(Action<JobConfiguration> configure)
    {
        (string directory, JobConfiguration configuration) = Configure(configure);
        var time = new ManualTimeProvider();
        FederatedServer server = await FederatedServer.StartAsync(configuration, InitialModel(), time, CancellationToken.None);
        return new InProcessFederation(directory, time, server.Coordinator, server.Handler, server);
    }

    /// <summary>The server's own coordinator and handler, with in-memory stores except the round store <paramref name="rounds"/> builds.</summary>
    public static async Task<InProcessFederation> StartWithRoundStoreAsync(Action<JobConfiguration> configure, Func<TimeProvider, IRoundStore> rounds)
    {
        (string directory, JobConfiguration configuration) = Configure(configure);
        configuration.Validate();
        var time = new ManualTimeProvider();
        RoundOptions options = RoundOptionsMapping.FromConfiguration(configuration);
        var coordinator = new RoundCoordinator(options, rounds(time), new InMemoryUpdateStore(), new InMemoryModelStore(), new FedAvg(), time);
        await coordinator.InitializeAsync(InitialModel(), CancellationToken.None);
        var handler = new DeviceProtocolHandler(coordinator, configuration, options, InitialModel().ZerosLike(), time);
        return new InProcessFederation(directory, time, coordinator, handler, new CoordinatorLifetime(coordinator));
    }

    private static (string Directory, JobConfiguration Configuration) Configure(Action<JobConfiguration> configure)
    {
        string directory = Path.Combine(Path.GetTempPath(), "fedsharp-client-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var configuration = new JobConfiguration { FlName = FlName, FlIterationNum = 3 };
        configuration.Round.StartFlJobThreshold = 3;
        configuration.Round.StartFlJobTimeWindow = TimeSpan.FromHours(1);
        configuration.Round.UpdateModelTimeWindow = TimeSpan.FromHours(1);
        configuration.Round.GlobalIterationTimeWindow = TimeSpan.FromHours(3);
        configuration.Client.ClientEpochNum = 1;
        configuration.Client.ClientBatchSize = 16;
        configuration.Client.ClientLearningRate = 0.05;
        configuration.FedSharp.Model = Model;
        configuration.FedSharp.CheckpointDir = Path.Combine(directory, "ckpt");
        configuration.Summary.MetricsFile = Path.Combine(directory, "metrics.json");
        configuration.Summary.FailureEventFile = Path.Combine(directory, "event.txt");
        configure(configuration);
        return (directory, configuration);
    }

    public static ModelParameters InitialModel() => ModelPool.ForZooModel(Model, 7).InitialParameters;

    public FederatedJob CreateJob(
        string clientId, int dataSeed, int samples, IProgress<IterationReport>? progress = null, Action<FederatedJobOptions>? configure = null, IFederationTransport? transport = null, ModelPool? pool = null)
    {
        var options = new FederatedJobOptions { FlName = FlName, ClientId = clientId };
        configure?.Invoke(options);
        var trainer = new LearningTrainer(pool ?? ModelPool.ForZooModel(Model, 7), SyntheticData.Create(samples, dataSeed), SyntheticData.Create(20, dataSeed + 1000), new Random(dataSeed));
        return CreateJob(options, trainer, transport, progress);
    }

    /// <summary>A job with the test's own options and trainer, on a view of <see cref="Time"/> of its own.</summary>
    public FederatedJob CreateJob(FederatedJobOptions options, ITrainer trainer, IFederationTransport? transport = null, IProgress<IterationReport>? progress = null)
    {
        TimeProvider clock = Time.CreateView();
        var job = new FederatedJob(options, transport ?? Transport, trainer, clock, progress);
        _clocks.Add(job, clock);
        return job;
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary directory is harmless.
        }
    }

    private async Task<TransportResponse> SendAsync(string round, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (round == RoundPaths.UpdateModel)
        {
            await WhenUpdatesReleasedAsync(UpdateModelRequest.Parser.ParseFrom(body.Span).FlId);
        }

        ProtocolResponse response = await Handler.HandleAsync(round, body, cancellationToken);
        if (response.StatusCode != 200)
        {
            return new TransportResponse(response.StatusCode, response.Body, response.RetryAfter);
        }

        if (round == RoundPaths.UpdateModel && UpdateModelResponse.Parser.ParseFrom(response.Body.Span).Retcode == Retcode.Succeed)
        {
            UpdateModelRequest request = UpdateModelRequest.Parser.ParseFrom(body.Span);
            Assert.True(TensorCodec.TryDecode(request.Tensors, InitialModel(), out ModelParameters? update, out _));
            Updates[(request.Iteration, request.FlId)] = update;
        }

        if (round == RoundPaths.StartFLJob)
        {
            StartFLJobResponse reply = StartFLJobResponse.Parser.ParseFrom(response.Body.Span);
            if (reply.Retcode == Retcode.Succeed)
            {
                Assert.True(TensorCodec.TryDecode(reply.Tensors, InitialModel(), out ModelParameters? model, out _));
                ModelsHandedOut[reply.Iteration] = model;
            }

            if (StartFLJobRewrite is { } rewrite)
            {
                return new TransportResponse(200, rewrite(StartFLJobRequest.Parser.ParseFrom(body.Span).FlId, reply).ToByteArray(), null);
            }
        }

        return new TransportResponse(response.StatusCode, response.Body, response.RetryAfter);
    }

    private sealed class CoordinatorLifetime(RoundCoordinator coordinator) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            coordinator.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
