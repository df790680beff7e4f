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
/// One federated learning server in process: in-memory stores, the <see cref="RoundCoordinator"/> with FedAvg, the
/// checkpoint store, the metrics writer and the <see cref="DeviceProtocolHandler"/> that devices talk to. A host
/// (Kestrel, or an in-process transport in simulation) passes requests to <see cref="Handler"/>.
/// </summary>
public sealed class FederatedServer : IAsyncDisposable
{
    private FederatedServer(RoundCoordinator coordinator, DeviceProtocolHandler handler, RoundStartup startup, JobConfiguration configuration)
    {
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

    /// <summary>
    /// Validates the configuration, builds the in-memory stores, the coordinator (round options from the
    /// configuration, FedAvg), the checkpoint store under <c>fedsharp.checkpoint_dir</c>/<c>fl_name</c>, the metrics
    /// writer (<c>summary.metrics_file</c>, <c>summary.failure_event_file</c>) and the handler, then opens the first
    /// iteration: after the newest readable checkpoint if there is one, else from <paramref name="initialModel"/>.
    /// </summary>
    /// <param name="configuration">The job; validated here.</param>
    /// <param name="initialModel">The model of iteration 0; also fixes the layout every update must have.</param>
    /// <param name="time">The clock and timers of the round windows.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>A running server.</returns>
    /// <exception cref="ConfigurationException">The configuration breaks a rule.</exception>
    /// <exception cref="NotSupportedException">The configuration asks for an upload form this release does not serve (pairwise masking, SignDS, sparse uploads).</exception>
    /// <exception cref="IOException">The checkpoint folder, or the folder of a summary file, cannot be created or read.</exception>
    /// <exception cref="InvalidOperationException">A checkpoint's layout differs from <paramref name="initialModel"/>.</exception>
    public static async Task<FederatedServer> StartAsync(JobConfiguration configuration, ModelParameters initialModel, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(initialModel);
        ArgumentNullException.ThrowIfNull(time);
        configuration.Validate();
        ThrowIfUnsupported(configuration);
        RoundOptions options = RoundOptionsMapping.FromConfiguration(configuration);
        var models = new InMemoryModelStore();
        var checkpoints = new CheckpointStore(configuration.FedSharp.CheckpointDir, configuration.FlName, options.CheckpointKeepCount, time);
        checkpoints.EnsureDirectory();
        var metrics = new IterationMetricsWriter(configuration.Summary.MetricsFile, configuration.Summary.FailureEventFile, options.ContinuousFailureTimes, time);
        metrics.EnsureDirectories();
        var coordinator = new RoundCoordinator(options, new InMemoryRoundStore(), new InMemoryUpdateStore(), models, new FedAvg(), time, checkpoints, metrics);
        try
        {
            RoundStartup startup = await coordinator.InitializeAsync(initialModel, cancellationToken);
            PublishedModel current = await models.GetCurrentAsync(cancellationToken)
                ?? throw new InvalidOperationException($"The coordinator of job '{configuration.FlName}' started without publishing a model; this is a bug in {nameof(RoundCoordinator)}.");
            var handler = new DeviceProtocolHandler(coordinator, configuration, options, current.Parameters.ZerosLike(), time);
            return new FederatedServer(coordinator, handler, startup, configuration);
        }
        catch
        {
            coordinator.Dispose();
            throw;
        }
    }

    /// <summary>Stops serving rounds (later requests get 503) and stops the round timers.</summary>
    public ValueTask DisposeAsync()
    {
        Handler.StopServing();
        Coordinator.Dispose();
        return ValueTask.CompletedTask;
    }

    private static void ThrowIfUnsupported(JobConfiguration configuration)
    {
        EncryptType encrypt = configuration.Encrypt.EncryptTrainType;
        if (encrypt is EncryptType.PwEncrypt or EncryptType.StablePwEncrypt or EncryptType.Signds)
        {
            throw new NotSupportedException(
                $"Job '{configuration.FlName}' sets encrypt.encrypt_train_type to {encrypt}, whose rounds this server does not serve yet; use NOT_ENCRYPT or DP_ENCRYPT.");
        }

        if (configuration.Compression.UploadCompressType != CompressType.NoCompress)
        {
            throw new NotSupportedException(
                $"Job '{configuration.FlName}' sets compression.upload_compress_type to {configuration.Compression.UploadCompressType}, which this server does not decode yet; use NO_COMPRESS.");
        }

        if (configuration.Compression.DownloadCompressType != CompressType.NoCompress)
        {
            throw new NotSupportedException(
                $"Job '{configuration.FlName}' sets compression.download_compress_type to {configuration.Compression.DownloadCompressType}, which this server does not encode yet; use NO_COMPRESS.");
        }
    }
}
