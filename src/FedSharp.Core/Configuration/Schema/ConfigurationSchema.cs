using System.Globalization;
using FedSharp.Core.Protocol;

namespace FedSharp.Core.Configuration.Schema;

/// <summary>
/// Every key FedSharp reads from YAML: MindSpore Federated's schema (its key names, ranges and defaults) plus the
/// <c>fedsharp</c> section. docs/configuration.md documents the same table.
/// </summary>
internal static partial class ConfigurationSchema
{
    private const string Milliseconds = "(milliseconds)";

    public static IReadOnlyList<ConfigurationKey> Keys { get; } = CreateKeys();

    public static IReadOnlyDictionary<string, ConfigurationKey> ByPath { get; } = Keys.ToDictionary(k => k.Path, StringComparer.Ordinal);

    /// <summary>Dotted paths of every section, e.g. <c>round</c> and <c>encrypt.pw_encrypt</c>.</summary>
    public static IReadOnlySet<string> Sections { get; } = Keys
        .SelectMany(k => Prefixes(k.Path))
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>Names of the keys and sections directly inside <paramref name="section"/> (empty for the top level).</summary>
    public static IReadOnlyList<string> ChildrenOf(string section)
    {
        string prefix = section.Length == 0 ? string.Empty : section + ".";
        return Keys.Select(k => k.Path)
            .Concat(Sections)
            .Where(p => p.StartsWith(prefix, StringComparison.Ordinal) && !p[prefix.Length..].Contains('.', StringComparison.Ordinal))
            .Select(p => p[prefix.Length..])
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    private static IEnumerable<string> Prefixes(string path)
    {
        for (int dot = path.IndexOf('.', StringComparison.Ordinal); dot >= 0; dot = path.IndexOf('.', dot + 1))
        {
            yield return path[..dot];
        }
    }

    private static IntegerKey Count(string path, long min, long max, Func<JobConfiguration, int> get, Action<JobConfiguration, int> set, bool required = false) =>
        new(path, min, max, c => get(c), (c, v) => set(c, (int)v), required);

    private static IntegerKey Window(string path, long min, Func<JobConfiguration, TimeSpan> get, Action<JobConfiguration, TimeSpan> set) =>
        new(path, min, int.MaxValue, c => (long)get(c).TotalMilliseconds, (c, v) => set(c, TimeSpan.FromMilliseconds(v)), unit: Milliseconds);

    private static bool IsEndpoint(string text)
    {
        int colon = text.LastIndexOf(':');
        return colon > 0
            && int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port)
            && port is >= 1 and <= 65535;
    }

    private static List<ConfigurationKey> CreateKeys() =>
    [
        new TextKey("fl_name", c => c.FlName, (c, v) => c.FlName = v, required: true),
        Count("fl_iteration_num", 1, int.MaxValue, c => c.FlIterationNum, (c, v) => c.FlIterationNum = v),
        new ChoiceKey<ServerMode>(
            "server_mode",
            [("FEDERATED_LEARNING", ServerMode.FederatedLearning), ("HYBRID_TRAINING", ServerMode.HybridTraining), ("CLOUD_TRAINING", ServerMode.CloudTraining)],
            c => c.ServerMode,
            (c, v) => c.ServerMode = v,
            required: true),
        new BooleanKey("enable_ssl", c => c.EnableSsl, (c, v) => c.EnableSsl = v),

        new ChoiceKey<AggregationType>(
            "aggregation.aggregation_type",
            [("FedAvg", AggregationType.FedAvg), ("FedProx", AggregationType.FedProx), ("Scaffold", AggregationType.Scaffold), ("FedNova", AggregationType.FedNova), ("FedCM", AggregationType.FedCm)],
            c => c.Aggregation.AggregationType,
            (c, v) => c.Aggregation.AggregationType = v),
        new RealKey("aggregation.iid_rate", 0, true, 1, true, c => c.Aggregation.IidRate, (c, v) => c.Aggregation.IidRate = v),
        Count("aggregation.total_client_num", 1, int.MaxValue, c => c.Aggregation.TotalClientNum ?? 1, (c, v) => c.Aggregation.TotalClientNum = v),

        new TextKey(
            "distributed_cache.type", c => c.DistributedCache.Type, (c, v) => c.DistributedCache.Type = v,
            isValid: v => v == "redis", expectation: "'redis' (the only distributed cache)"),
        new TextKey(
            "distributed_cache.address", c => c.DistributedCache.Address, (c, v) => c.DistributedCache.Address = v,
            isValid: v => IsEndpoint(v) || v.StartsWith('/'), expectation: "host:port or an absolute Unix socket path"),
        new TextKey("distributed_cache.plugin_lib_path", c => c.DistributedCache.PluginLibPath, (c, v) => c.DistributedCache.PluginLibPath = v),
        new TextKey("distributed_cache.cacert_filename", c => c.DistributedCache.CacertFilename, (c, v) => c.DistributedCache.CacertFilename = v),
        new TextKey("distributed_cache.capath", c => c.DistributedCache.Capath, (c, v) => c.DistributedCache.Capath = v),
        new TextKey("distributed_cache.cert_filename", c => c.DistributedCache.CertFilename, (c, v) => c.DistributedCache.CertFilename = v),
        new TextKey("distributed_cache.private_key_filename", c => c.DistributedCache.PrivateKeyFilename, (c, v) => c.DistributedCache.PrivateKeyFilename = v),
        new TextKey("distributed_cache.server_name", c => c.DistributedCache.ServerName, (c, v) => c.DistributedCache.ServerName = v),

        Count("round.start_fl_job_threshold", 1, int.MaxValue, c => c.Round.StartFlJobThreshold, (c, v) => c.Round.StartFlJobThreshold = v, required: true),
        Window("round.start_fl_job_time_window", 1, c => c.Round.StartFlJobTimeWindow, (c, v) => c.Round.StartFlJobTimeWindow = v),
        new RealKey("round.update_model_ratio", 0, false, 1, true, c => c.Round.UpdateModelRatio, (c, v) => c.Round.UpdateModelRatio = v),
        Window("round.update_model_time_window", 1, c => c.Round.UpdateModelTimeWindow, (c, v) => c.Round.UpdateModelTimeWindow = v),
        Window("round.global_iteration_time_window", 1, c => c.Round.GlobalIterationTimeWindow, (c, v) => c.Round.GlobalIterationTimeWindow = v),

        new TextKey("summary.metrics_file", c => c.Summary.MetricsFile, (c, v) => c.Summary.MetricsFile = v),
        new TextKey("summary.failure_event_file", c => c.Summary.FailureEventFile, (c, v) => c.Summary.FailureEventFile = v),
        Count("summary.continuous_failure_times", 1, int.MaxValue, c => c.Summary.ContinuousFailureTimes, (c, v) => c.Summary.ContinuousFailureTimes = v),
        new TextKey("summary.data_rate_dir", c => c.Summary.DataRateDir, (c, v) => c.Summary.DataRateDir = v),
        new ParticipationLevelsKey(),

        Count("unsupervised.cluster_client_num", 0, int.MaxValue, c => c.Unsupervised.ClusterClientNum, (c, v) => c.Unsupervised.ClusterClientNum = v),
        new ChoiceKey<UnsupervisedEvalType>(
            "unsupervised.eval_type",
            [
                ("NOT_EVAL", UnsupervisedEvalType.NotEval), ("SILHOUETTE_SCORE", UnsupervisedEvalType.SilhouetteScore),
                ("CALINSKI_HARABASZ_SCORE", UnsupervisedEvalType.CalinskiHarabaszScore), ("DAVIES_BOULDIN_SCORE", UnsupervisedEvalType.DaviesBouldinScore),
            ],
            c => c.Unsupervised.EvalType,
            (c, v) => c.Unsupervised.EvalType = v),

        new ChoiceKey<EncryptType>(
            "encrypt.encrypt_train_type",
            [
                ("NOT_ENCRYPT", EncryptType.NotEncrypt), ("PW_ENCRYPT", EncryptType.PwEncrypt), ("STABLE_PW_ENCRYPT", EncryptType.StablePwEncrypt),
                ("DP_ENCRYPT", EncryptType.DpEncrypt), ("SIGNDS", EncryptType.Signds),
            ],
            c => c.Encrypt.EncryptTrainType,
            (c, v) => c.Encrypt.EncryptTrainType = v),
        new RealKey("encrypt.pw_encrypt.share_secrets_ratio", 0, false, 1, true, c => c.Encrypt.PwEncrypt.ShareSecretsRatio, (c, v) => c.Encrypt.PwEncrypt.ShareSecretsRatio = v),
        Window("encrypt.pw_encrypt.cipher_time_window", 1, c => c.Encrypt.PwEncrypt.CipherTimeWindow, (c, v) => c.Encrypt.PwEncrypt.CipherTimeWindow = v),
        Count("encrypt.pw_encrypt.reconstruct_secrets_threshold", 1, int.MaxValue, c => c.Encrypt.PwEncrypt.ReconstructSecretsThreshold, (c, v) => c.Encrypt.PwEncrypt.ReconstructSecretsThreshold = v),
        new RealKey("encrypt.dp_encrypt.dp_eps", 0, false, double.PositiveInfinity, false, c => c.Encrypt.DpEncrypt.DpEps, (c, v) => c.Encrypt.DpEncrypt.DpEps = v),
        new RealKey("encrypt.dp_encrypt.dp_delta", 0, false, 1, false, c => c.Encrypt.DpEncrypt.DpDelta, (c, v) => c.Encrypt.DpEncrypt.DpDelta = v),
        new RealKey("encrypt.dp_encrypt.dp_norm_clip", 0, false, double.PositiveInfinity, false, c => c.Encrypt.DpEncrypt.DpNormClip, (c, v) => c.Encrypt.DpEncrypt.DpNormClip = v),
        new RealKey("encrypt.signds.sign_k", 0, false, 0.25, true, c => c.Encrypt.Signds.SignK, (c, v) => c.Encrypt.Signds.SignK = v),
        new RealKey("encrypt.signds.sign_eps", 0, false, 100, true, c => c.Encrypt.Signds.SignEps, (c, v) => c.Encrypt.Signds.SignEps = v),
        new RealKey("encrypt.signds.sign_thr_ratio", 0.5, true, 1, true, c => c.Encrypt.Signds.SignThrRatio, (c, v) => c.Encrypt.Signds.SignThrRatio = v),
        new RealKey("encrypt.signds.sign_global_lr", 0, false, double.PositiveInfinity, false, c => c.Encrypt.Signds.SignGlobalLr, (c, v) => c.Encrypt.Signds.SignGlobalLr = v),
        Count("encrypt.signds.sign_dim_out", 0, 50, c => c.Encrypt.Signds.SignDimOut, (c, v) => c.Encrypt.Signds.SignDimOut = v),
        new ChoiceKey<PrivacyEvalType>(
            "encrypt.privacy_eval_type",
            [("NOT_ENCRYPT", PrivacyEvalType.NotEncrypt), ("LAPLACE", PrivacyEvalType.Laplace)],
            c => c.Encrypt.PrivacyEvalType,
            (c, v) => c.Encrypt.PrivacyEvalType = v),
        new RealKey("encrypt.laplace_eval.laplace_eval_eps", 0, false, 500_000, true, c => c.Encrypt.LaplaceEval.LaplaceEvalEps, (c, v) => c.Encrypt.LaplaceEval.LaplaceEvalEps = v),

        new ChoiceKey<CompressType>(
            "compression.upload_compress_type",
            [("NO_COMPRESS", CompressType.NoCompress), ("DIFF_SPARSE_QUANT", CompressType.DiffSparseQuant)],
            c => c.Compression.UploadCompressType,
            (c, v) => c.Compression.UploadCompressType = v),
        new RealKey("compression.upload_sparse_rate", 0, false, 1, true, c => c.Compression.UploadSparseRate, (c, v) => c.Compression.UploadSparseRate = v),
        new ChoiceKey<CompressType>(
            "compression.download_compress_type",
            [("NO_COMPRESS", CompressType.NoCompress), ("QUANT", CompressType.Quant)],
            c => c.Compression.DownloadCompressType,
            (c, v) => c.Compression.DownloadCompressType = v),

        new TextKey("ssl.server_cert_path", c => c.Ssl.ServerCertPath, (c, v) => c.Ssl.ServerCertPath = v),
        new TextKey("ssl.client_cert_path", c => c.Ssl.ClientCertPath, (c, v) => c.Ssl.ClientCertPath = v),
        new TextKey("ssl.ca_cert_path", c => c.Ssl.CaCertPath, (c, v) => c.Ssl.CaCertPath = v),
        new TextKey("ssl.crl_path", c => c.Ssl.CrlPath, (c, v) => c.Ssl.CrlPath = v),
        new TextKey("ssl.cipher_list", c => c.Ssl.CipherList, (c, v) => c.Ssl.CipherList = v),
        Count("ssl.cert_expire_warning_time_in_day", 7, 180, c => c.Ssl.CertExpireWarningTimeInDay, (c, v) => c.Ssl.CertExpireWarningTimeInDay = v),

        new BooleanKey("client_verify.pki_verify", c => c.ClientVerify.PkiVerify, (c, v) => c.ClientVerify.PkiVerify = v),
        new TextKey("client_verify.root_first_ca_path", c => c.ClientVerify.RootFirstCaPath, (c, v) => c.ClientVerify.RootFirstCaPath = v),
        new TextKey("client_verify.root_second_ca_path", c => c.ClientVerify.RootSecondCaPath, (c, v) => c.ClientVerify.RootSecondCaPath = v),
        new TextKey("client_verify.equip_crl_path", c => c.ClientVerify.EquipCrlPath, (c, v) => c.ClientVerify.EquipCrlPath = v),
        Window("client_verify.replay_attack_time_diff", 0, c => c.ClientVerify.ReplayAttackTimeDiff, (c, v) => c.ClientVerify.ReplayAttackTimeDiff = v),

        new TextKey("client.http_url_prefix", c => c.Client.HttpUrlPrefix, (c, v) => c.Client.HttpUrlPrefix = v),
        Count("client.client_epoch_num", 1, int.MaxValue, c => c.Client.ClientEpochNum, (c, v) => c.Client.ClientEpochNum = v),
        Count("client.client_batch_size", 1, int.MaxValue, c => c.Client.ClientBatchSize, (c, v) => c.Client.ClientBatchSize = v),
        new RealKey("client.client_learning_rate", 0, false, double.PositiveInfinity, false, c => c.Client.ClientLearningRate, (c, v) => c.Client.ClientLearningRate = v),
        new RealKey("client.client_momentum", 0, true, 1, false, c => c.Client.ClientMomentum, (c, v) => c.Client.ClientMomentum = v),
        new RealKey("client.client_weight_decay", 0, true, double.PositiveInfinity, false, c => c.Client.ClientWeightDecay, (c, v) => c.Client.ClientWeightDecay = v),
        Count("client.connection_num", 1, int.MaxValue, c => c.Client.ConnectionNum, (c, v) => c.Client.ConnectionNum = v),

        new TextKey("fedsharp.checkpoint_dir", c => c.FedSharp.CheckpointDir, (c, v) => c.FedSharp.CheckpointDir = v),
        Count("fedsharp.checkpoint_keep_count", 1, 1000, c => c.FedSharp.CheckpointKeepCount, (c, v) => c.FedSharp.CheckpointKeepCount = v),
        new TextKey(
            "fedsharp.http_listen_address", c => c.FedSharp.HttpListenAddress, (c, v) => c.FedSharp.HttpListenAddress = v,
            isValid: IsEndpoint, expectation: "host:port with a port in [1, 65535]"),
        new IntegerKey("fedsharp.max_request_body_bytes", 1024, Array.MaxLength, c => c.FedSharp.MaxRequestBodyBytes, (c, v) => c.FedSharp.MaxRequestBodyBytes = v, unit: "(bytes)"),
        new ChoiceKey<ClientSamplingMode>(
            "fedsharp.client_sampling",
            [("first_come", ClientSamplingMode.FirstCome), ("random", ClientSamplingMode.Random)],
            c => c.FedSharp.ClientSampling,
            (c, v) => c.FedSharp.ClientSampling = v),
        Count("fedsharp.sampling_target", 0, int.MaxValue, c => c.FedSharp.SamplingTarget, (c, v) => c.FedSharp.SamplingTarget = v),
        Count("fedsharp.seed", 0, int.MaxValue, c => c.FedSharp.Seed, (c, v) => c.FedSharp.Seed = v),
        new TextKey("fedsharp.model", c => c.FedSharp.Model, (c, v) => c.FedSharp.Model = v, isValid: static v => v.Length > 0, expectation: "a model-zoo name such as simple-cnn"),
        Count("fedsharp.model_seed", 0, int.MaxValue, c => c.FedSharp.ModelSeed, (c, v) => c.FedSharp.ModelSeed = v),
        new ChoiceKey<ServerOptimizerKind>(
            "fedsharp.server_optimizer",
            [("none", ServerOptimizerKind.None), ("momentum", ServerOptimizerKind.Momentum), ("adam", ServerOptimizerKind.Adam), ("yogi", ServerOptimizerKind.Yogi), ("adagrad", ServerOptimizerKind.Adagrad)],
            c => c.FedSharp.ServerOptimizer,
            (c, v) => c.FedSharp.ServerOptimizer = v),
        new RealKey("fedsharp.server_learning_rate", 0, false, double.PositiveInfinity, false, c => c.FedSharp.ServerLearningRate, (c, v) => c.FedSharp.ServerLearningRate = v),
        new RealKey("fedsharp.server_momentum", 0, true, 1, false, c => c.FedSharp.ServerMomentum, (c, v) => c.FedSharp.ServerMomentum = v),
        new RealKey("fedsharp.server_beta1", 0, true, 1, false, c => c.FedSharp.ServerBeta1, (c, v) => c.FedSharp.ServerBeta1 = v),
        new RealKey("fedsharp.server_beta2", 0, true, 1, false, c => c.FedSharp.ServerBeta2, (c, v) => c.FedSharp.ServerBeta2 = v),
        new RealKey("fedsharp.server_tau", 0, false, double.PositiveInfinity, false, c => c.FedSharp.ServerTau, (c, v) => c.FedSharp.ServerTau = v),
        .. RobustAggregationKeys(),

        Count("simulation.clients", 1, 1_000_000, c => c.Simulation.Clients, (c, v) => c.Simulation.Clients = v),
        new ChoiceKey<SimulationDataset>(
            "simulation.dataset",
            [("fashion-mnist", SimulationDataset.FashionMnist), ("fashion-mnist-subset", SimulationDataset.FashionMnistSubset), ("mnist", SimulationDataset.Mnist)],
            c => c.Simulation.Dataset,
            (c, v) => c.Simulation.Dataset = v),
        new TextKey("simulation.data_dir", c => c.Simulation.DataDir, (c, v) => c.Simulation.DataDir = v),
        new TextKey(
            "simulation.partition", c => c.Simulation.Partition, (c, v) => c.Simulation.Partition = v,
            isValid: static v => v.Length > 0, expectation: "a partitioner name: iid, dirichlet, labels, quantity, shards (or NIID-Bench's homo, noniid-labeldir, noniid-#label2, iid-diff-quantity)"),
        new RealKey("simulation.partition_beta", 0, false, double.PositiveInfinity, false, c => c.Simulation.PartitionBeta, (c, v) => c.Simulation.PartitionBeta = v),
        Count("simulation.labels_per_client", 1, 1000, c => c.Simulation.LabelsPerClient, (c, v) => c.Simulation.LabelsPerClient = v),
        Count("simulation.shards_per_client", 1, 1000, c => c.Simulation.ShardsPerClient, (c, v) => c.Simulation.ShardsPerClient = v),
        Count("simulation.min_samples_per_client", 0, int.MaxValue, c => c.Simulation.MinSamplesPerClient, (c, v) => c.Simulation.MinSamplesPerClient = v),
        new ChoiceKey<SimulationTransport>(
            "simulation.transport",
            [("in_memory", SimulationTransport.InMemory), ("http", SimulationTransport.Http)],
            c => c.Simulation.Transport,
            (c, v) => c.Simulation.Transport = v),
        Count("simulation.threads", 0, 1024, c => c.Simulation.Threads, (c, v) => c.Simulation.Threads = v),
        Count("simulation.seed", 0, int.MaxValue, c => c.Simulation.Seed, (c, v) => c.Simulation.Seed = v),
        new TextKey("simulation.report_dir", c => c.Simulation.ReportDir, (c, v) => c.Simulation.ReportDir = v),
        .. AttackKeys(),
    ];
}
