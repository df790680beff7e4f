using FedSharp.Client;
using FedSharp.Client.Training;
using FedSharp.Client.Transport;
using FedSharp.Core.Configuration;
using FedSharp.Server;
using FedSharp.Server.Protocol;
using FedSharp.Server.Rounds;

namespace FedSharp.Simulation;

/// <summary>
/// Runs N virtual clients against the real round engine: each client is a <see cref="FederatedJob"/> with a
/// <see cref="LearningTrainer"/> on its share of a partitioned data set, talking protobuf to an in-process
/// <see cref="FederatedServer"/> (or to servers over HTTP). Clients train in parallel, at most
/// <see cref="SimulationOptions.Threads"/> at once, borrowing models from one shared <see cref="ModelPool"/>, so a
/// thousand clients hold a thousand data shards but only as many models as threads. After every round the global
/// model is downloaded and evaluated on the test set.
/// </summary>
/// <remarks>
/// Every client's training runs on a task scheduler of <see cref="SimulationOptions.Threads"/> dedicated threads
/// (<see cref="FederatedJobOptions.TrainingScheduler"/>), so the scheduler is the limit; the protocol exchange, and in
/// memory the server's handler, run wherever the client's last await resumed (the thread pool, or a training thread
/// right after training), and the thread pool stays free for timers and the observer.
/// With every client in every round, uploads are forwarded in client order (<see cref="UpdateOrdering"/>) and the
/// test set is evaluated in parts of a fixed size combined in order (<see cref="SplitEvaluation"/>): the same
/// configuration and seeds then give bit-identical models and reports on every run, whatever the number of threads.
/// Waits are capped at a few milliseconds per client (see <see cref="PollInterval"/>) so that the round windows, sized
/// for phones, do not leave cores idle between rounds.
/// </remarks>
public sealed class FederatedSimulation
{
    // The same batch as the clients' evaluation: at 128, simple-cnn's im2col buffers outgrow a 1 MB L2 cache; going to
    // 64 took the 100-client benchmark's overhead ratio from 1.19–1.21 to 1.12–1.14 (docs/benchmarks.md).
    private const int EvaluationBatchSize = 64;
    private readonly SimulationOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates a simulation; nothing runs until <see cref="RunAsync(FederatedDataset, IProgress{RoundReport}?, CancellationToken)"/>.</summary>
    /// <param name="options">What to simulate.</param>
    /// <param name="time">The clock of the server's windows, the clients' waits and the reported times.</param>
    public FederatedSimulation(SimulationOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _options = options;
        _time = time;
    }

    /// <summary>
    /// The longest a virtual client or the observer waits before asking again: 10 ms plus 0.5 ms per client, at most
    /// 1 s. Longer waits leave cores idle between rounds; shorter ones spend them on polls.
    /// </summary>
    public TimeSpan PollInterval => TimeSpan.FromMilliseconds(Math.Min(1000, 10 + (0.5 * _options.ClientCount)));

    /// <summary>
    /// Runs the simulation in memory: starts a <see cref="FederatedServer"/> from
    /// <see cref="SimulationOptions.CreateServerConfiguration"/> (after clearing an earlier run's server files) and
    /// wires every client's <see cref="InProcessTransport"/> to its handler.
    /// </summary>
    /// <param name="data">The clients' data and the test set; one data set per client.</param>
    /// <param name="progress">Receives each round's report as soon as it is evaluated; null for none.</param>
    /// <param name="cancellationToken">Stops every client and the server.</param>
    /// <returns>Every round's report and the summary.</returns>
    /// <exception cref="ArgumentException">The data holds another number of clients than the options.</exception>
    /// <exception cref="InvalidOperationException"><c>simulation.transport</c> is <c>http</c>; use the overload with server URLs.</exception>
    /// <exception cref="FederatedJobException">A client was refused for good; the message names the client and round.</exception>
    public async Task<SimulationResult> RunAsync(FederatedDataset data, IProgress<RoundReport>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (_options.Transport != SimulationTransport.InMemory)
        {
            throw new InvalidOperationException(
                $"'simulation.transport' is {_options.Transport}: start the server from SimulationOptions.CreateServerConfiguration() behind HTTP and call the RunAsync overload that takes its URLs, or set simulation.transport to in_memory.");
        }

        CheckClientCount(data);
        _options.ClearServerFiles();
        var models = ModelPool.ForZooModel(_options.ModelName, _options.ModelSeed);
        await using FederatedServer server = await FederatedServer.StartAsync(
            _options.CreateServerConfiguration(), models.InitialParameters.Clone(), _time, cancellationToken);
        DeviceProtocolHandler handler = server.Handler;
        var transport = new InProcessTransport(async (round, body, ct) =>
        {
            ProtocolResponse response = await handler.HandleAsync(round, body, ct);
            return new TransportResponse(response.StatusCode, response.Body, response.RetryAfter);
        });
        return await RunClientsAsync(data, models, transport, progress, cancellationToken);
    }

    /// <summary>
    /// Runs the simulation over HTTP against servers the caller started (the command line starts the embedded one
    /// from <see cref="SimulationOptions.CreateServerConfiguration"/> and passes its URL), with fail-over between them.
    /// The servers must run this job from its first iteration and serve no other device.
    /// </summary>
    /// <param name="data">The clients' data and the test set.</param>
    /// <param name="serverUrls">Base URLs of the servers, e.g. <c>http://127.0.0.1:6666</c>; at least one.</param>
    /// <param name="progress">Receives each round's report; null for none.</param>
    /// <param name="cancellationToken">Stops every client.</param>
    /// <returns>Every round's report and the summary.</returns>
    public async Task<SimulationResult> RunAsync(
        FederatedDataset data, IReadOnlyList<Uri> serverUrls, IProgress<RoundReport>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(serverUrls);
        if (serverUrls.Count == 0)
        {
            throw new ArgumentException("An HTTP simulation needs at least one server URL; start the server first (fedsharp simulate does) and pass its address.", nameof(serverUrls));
        }

        CheckClientCount(data);
        var models = ModelPool.ForZooModel(_options.ModelName, _options.ModelSeed);
        using var transport = new HttpFederationTransport(
            new HttpFederationTransportOptions
            {
                ServerUrls = serverUrls,
                UrlPrefix = _options.Configuration.Client.HttpUrlPrefix,
                CaCertificatePath = _options.Configuration.Ssl.CaCertPath,
            },
            httpClient: null,
            _time);
        return await RunClientsAsync(data, models, transport, progress, cancellationToken);
    }

    private async Task<SimulationResult> RunClientsAsync(
        FederatedDataset data, ModelPool models, IFederationTransport transport, IProgress<RoundReport>? progress, CancellationToken cancellationToken)
    {
        // Every client trains on these threads (FederatedJobOptions.TrainingScheduler), and the global model's
        // evaluation runs on them too, so no more than Threads trainings or evaluations ever run at once and the pool
        // never builds more models than that. The protocol exchange runs wherever the job's last await resumed.
        using var slots = new TrainingThreads(_options.Threads);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var clock = new TrainingClock(_time);
        var evaluation = new SplitEvaluation(models, data.Test, EvaluationBatchSize);
        // With every client in every round the set of updates is fixed, so only their order could vary; holding them
        // for client-id order makes the run reproducible on any number of threads.
        UpdateOrdering? ordering = _options.ClientsPerRound == _options.ClientCount
            ? new UpdateOrdering(transport, _options.ClientCount)
            : null;
        var observer = new RoundObserver(
            transport,
            _options.Configuration.FlName,
            _options.Rounds,
            models.InitialParameters,
            (model, ct) => evaluation.EvaluateAsync(model, slots.Urgent, ct),
            _time,
            PollInterval,
            RoundOptionsMapping.FromConfiguration(_options.Configuration).UpdateModelThreshold,
            ordering,
            progress);

        long start = _time.GetTimestamp();
        var clients = new Task[data.Clients.Count];
        var seeds = new Random(_options.Seed);
        for (int i = 0; i < clients.Length; i++)
        {
            string clientId = ClientId(i);
            var trainer = new TimedTrainer(new LearningTrainer(models, data.Clients[i], null, new Random(seeds.Next())), clock);
            var job = new FederatedJob(
                new FederatedJobOptions
                {
                    FlName = _options.Configuration.FlName,
                    ClientId = clientId,
                    RetryInterval = PollInterval,
                    PollInterval = PollInterval,
                    MaxSingleWait = PollInterval,
                    EvaluateGlobalModel = false,
                    DownloadFinalModel = false,
                    TrainingScheduler = slots,
                    UpdateHooks = _options.UpdateHooksFor(i),
                },
                new ObservedTransport(transport, clientId, observer, ordering),
                trainer,
                _time);
            clients[i] = Task.Run(() => job.RunAsync(stop.Token), stop.Token);
        }

        Task<IReadOnlyList<RoundReport>> observing = observer.RunAsync(start, stop.Token);
        Task everyClient = Task.WhenAll(clients);
        Task first = await Task.WhenAny(everyClient, observing);
        if (first.IsFaulted)
        {
            // A client refused for good leaves the observer waiting for a round that never ends, and a failed observer
            // leaves the clients running: stop the other side, then surface the first fault.
            await stop.CancelAsync();
            await first;
        }

        IReadOnlyList<RoundReport> rounds = await observing;

        // The last client may complete on a training thread; resume on the pool so that disposing the threads never
        // waits for the thread it runs on.
        await everyClient.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        double seconds = _time.GetElapsedTime(start).TotalSeconds;
        var summary = new SimulationSummary(
            rounds.Count == 0 ? 0 : rounds[^1].Accuracy,
            rounds.Count == 0 ? 0 : rounds.Max(r => r.Accuracy),
            rounds.Count,
            rounds.Count(r => r.Valid),
            seconds,
            clock.Total.TotalSeconds,
            _options.Threads,
            _options.ClientCount,
            models.CreatedCount);
        return new SimulationResult(rounds, summary);
    }

    /// <summary>The id of client <paramref name="index"/>; zero-padded so that ordinal order is index order.</summary>
    public static string ClientId(int index) => $"client-{index:D7}";

    private void CheckClientCount(FederatedDataset data)
    {
        if (data.Clients.Count != _options.ClientCount)
        {
            throw new ArgumentException(
                $"The data set is partitioned among {data.Clients.Count} clients but 'simulation.clients' is {_options.ClientCount}; build it with FederatedDataset.Load from the same options.",
                nameof(data));
        }
    }
}
