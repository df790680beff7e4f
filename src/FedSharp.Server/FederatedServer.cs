using FedSharp.Core.Configuration;
using FedSharp.Core.Models;
using FedSharp.Core.Protocol;
using FedSharp.Server.Checkpoints;
using FedSharp.Server.Metrics;
using FedSharp.Server.Protocol;
using FedSharp.Server.Rounds;
using FedSharp.Server.Stores;
using FedSharp.Server.Strategies;

namespace FedSharp.Server;

/// <summary>
/// One federated learning server in process: the stores and strategy of its <see cref="FederatedServerOptions"/>
/// (in memory, and the strategy the configuration asks for, by default), the <see cref="RoundCoordinator"/>, the checkpoint store, the metrics writer,
/// the traffic log and the <see cref="DeviceProtocolHandler"/> that devices talk to. A host
/// (Kestrel, or an in-process transport in simulation) passes requests to <see cref="Handler"/>.
/// </summary>
public sealed class FederatedServer : IAsyncDisposable
{
    private readonly DataRateLog? _dataRate;

    private FederatedServer(RoundCoordinator coordinator, DeviceProtocolHandler handler, RoundStartup startup, JobConfiguration configuration, DataRateLog? dataRate)
    {
        _dataRate = dataRate;
        Coordinator = coordinator;
        Handler = handler;
        Startup = startup;
        Configuration = configuration;
    }

    /// <summary>Turns device requests into protobuf replies.</summary>
    public DeviceProtocolHandler Handler { get; }

    /// <summary>The round engine; tests and the host's state page read its state.</summary>
    public RoundCoordinator Coordinator { get; }

    /// <summary>How the instance started: fresh, or resumed from a checkpoint (and which newer files were unreadable).</summary>
    public RoundStartup Startup { get; }

    /// <summary>The configuration the server runs with.</summary>
    public JobConfiguration Configuration { get; }

    /// <summary>Starts a server with in-memory stores and the strategy the configuration asks for; see <see cref="StartAsync(FederatedServerOptions, CancellationToken)"/>.</summary>
    /// <param name="configuration">The job; validated here.</param>
    /// <param name="initialModel">The model of iteration 0; also fixes the layout every update must have.</param>
    /// <param name="time">The clock and timers of the round windows.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>A running server.</returns>
    /// <exception cref="ConfigurationException">The configuration breaks a rule, or asks for something this release
    /// does not build (<see cref="JobConfiguration.ThrowIfUnsupported"/>).</exception>
    /// <exception cref="IOException">The checkpoint folder, or the folder of a summary file, cannot be created or read.</exception>
    /// <exception cref="InvalidOperationException">A checkpoint's layout differs from <paramref name="initialModel"/>.</exception>
    public static Task<FederatedServer> StartAsync(JobConfiguration configuration, ModelParameters initialModel, TimeProvider time, CancellationToken cancellationToken)
        => StartAsync(new FederatedServerOptions { Configuration = configuration, InitialModel = initialModel, Time = time }, cancellationToken);

    /// <summary>
    /// Validates the configuration and refuses what this release does not build, then builds the coordinator from the
    /// options' stores and strategy (in memory, and the configuration's: <c>fedsharp.robust_aggregation</c>, else <see cref="StrategyMapping.FromConfiguration"/>, by default), the checkpoint store, the metrics writer
    /// (<c>summary.metrics_file</c>, <c>summary.failure_event_file</c>), the traffic log (<c>summary.data_rate_dir</c>)
    /// and the handler, then opens the first iteration: after the newest readable checkpoint if there is one, else
    /// from the initial model.
    /// </summary>
    /// <param name="options">What the server is built from.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>A running server.</returns>
    /// <exception cref="ArgumentException">A required option is missing.</exception>
    /// <exception cref="ConfigurationException">The configuration breaks a rule, or asks for something this release
    /// does not build (<see cref="JobConfiguration.ThrowIfUnsupported"/>).</exception>
    /// <exception cref="IOException">The checkpoint folder, the folder of a summary file or the traffic log's directory cannot be created or read.</exception>
    /// <exception cref="InvalidOperationException">A checkpoint's layout differs from the initial model.</exception>
    public static async Task<FederatedServer> StartAsync(FederatedServerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        JobConfiguration configuration = options.Configuration!;
        TimeProvider time = options.Time;
        configuration.Validate();
        configuration.ThrowIfUnsupported();
        RoundOptions roundOptions = RoundOptionsMapping.FromConfiguration(configuration);
        IModelStore models = options.ModelStore ?? new InMemoryModelStore();
        IStrategy strategy = options.Strategy ?? RobustAggregation.FromConfiguration(configuration) ?? StrategyMapping.FromConfiguration(configuration);
        var checkpoints = new CheckpointStore(
            options.CheckpointDirectory ?? configuration.FedSharp.CheckpointDir,
            configuration.FlName,
            roundOptions.CheckpointKeepCount,
            time,
            strategy is IStatefulStrategy stateful ? stateful.ExportState : null);
        checkpoints.EnsureDirectory();
        var metrics = new IterationMetricsWriter(configuration.Summary.MetricsFile, configuration.Summary.FailureEventFile, roundOptions.ContinuousFailureTimes, time);
        metrics.EnsureDirectories();
        var coordinator = new RoundCoordinator(
            roundOptions,
            options.RoundStore ?? new InMemoryRoundStore(),
            options.UpdateStore ?? new InMemoryUpdateStore(strategy.Accumulator.Kind),
            models,
            strategy,
            time,
            checkpoints,
            metrics);
        DataRateLog? dataRate = null;
        try
        {
            dataRate = configuration.Summary.DataRateDir.Length == 0
                ? null
                : new DataRateLog(configuration.Summary.DataRateDir, options.ServerName ?? configuration.FlName, time);
            RoundStartup startup = await coordinator.InitializeAsync(options.InitialModel!, cancellationToken);
            PublishedModel current = await models.GetCurrentAsync(cancellationToken)
                ?? throw new InvalidOperationException($"The coordinator of job '{configuration.FlName}' started without publishing a model; this is a bug in {nameof(RoundCoordinator)}.");
            RestoreStrategyState(strategy, startup, current);
            var handler = new DeviceProtocolHandler(coordinator, configuration, roundOptions, current.Parameters.ZerosLike(), time, dataRate);
            return new FederatedServer(coordinator, handler, startup, configuration, dataRate);
        }
        catch
        {
            coordinator.Dispose();
            dataRate?.Dispose();
            throw;
        }
    }

    // The state saved with the checkpoint the instance resumed from goes back into the strategy before any device can
    // reach the handler, so the next aggregate continues the run exactly. State saved by another strategy stops
    // start-up: silently dropping an optimizer's moments would change the training without a word.
    private static void RestoreStrategyState(IStrategy strategy, RoundStartup startup, PublishedModel current)
    {
        if (startup.ResumedFrom is not { StrategyState: { } state } checkpoint || checkpoint.Iteration != current.Iteration)
        {
            return;
        }

        if (strategy is not IStatefulStrategy stateful)
        {
            throw new InvalidOperationException(
                $"Checkpoint '{checkpoint.Path}' holds strategy state ([{string.Join(", ", state.Tensors.Take(4))}{(state.Count > 4 ? ", …" : string.Empty)}]) but the server's strategy {strategy.GetType().Name} keeps none; set the fedsharp.server_optimizer that wrote it, or point fedsharp.checkpoint_dir at a new folder.");
        }

        try
        {
            stateful.RestoreState(current, state);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"Checkpoint '{checkpoint.Path}' cannot be resumed: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Stops serving rounds (later requests get 503), lets an aggregation or iteration record already under way finish
    /// (so a valid iteration's checkpoint and metrics are written), stops the round timers and writes the traffic still counted.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        Handler.StopServing();
        await Coordinator.WhenIdleAsync().ConfigureAwait(false);
        Coordinator.Dispose();
        _dataRate?.Dispose();
    }
}
