using FedSharp.Core.Configuration.Schema;
using FedSharp.Core.Protocol;

namespace FedSharp.Core.Configuration;

/// <summary>
/// The keys that load (so that MindSpore's files parse unchanged) but ask for something this release does not build.
/// Every role refuses them at start-up, naming the key, its value and what to do instead, rather than run without the
/// protection or behaviour the user asked for. docs/configuration.md marks the same keys "refused"; a test holds the
/// two together. When a feature is built, its rules leave this list.
/// </summary>
/// <remarks>
/// A key is refused when it asks for something: by default, when its value differs from the default (the parameters
/// of an unbuilt mode, such as <c>dp_eps</c>, are refused even while the mode is off, because a user who writes them
/// believes they act). Keys of features that are built are never refused for being dormant: <c>ssl.server_cert_path</c>
/// with <c>enable_ssl: false</c> simply waits for TLS to be switched on.
/// </remarks>
internal static class UnbuiltFeatures
{
    private const string Cluster = "the Redis cluster is not built yet; remove the key and run one server, whose state survives restarts through checkpoints";
    private const string SecureAggregation = "it is a parameter of PW_ENCRYPT, and secure aggregation is not built yet; remove the key";
    private const string DifferentialPrivacy = "it is a parameter of DP_ENCRYPT, and differential privacy is not built yet; remove the key";
    private const string SignDs = "it is a parameter of SIGNDS, which is not built yet; remove the key";
    private const string Unsupervised = "unsupervised (clustering) evaluation is not built yet; remove the key";
    private const string DeviceVerification = "device certificate and signature verification is not built yet; remove the key";

    private static readonly JobConfiguration s_defaults = new();

    private static readonly Rule[] s_rules =
    [
        new("server_mode", "hybrid and cloud training are not built yet, so the job would run plain cross-device rounds; use FEDERATED_LEARNING",
            c => c.ServerMode != ServerMode.FederatedLearning),

        new("aggregation.aggregation_type", "FedCM is not built yet, and it would silently run FedAvg; use FedAvg, FedProx, Scaffold or FedNova",
            c => c.Aggregation.AggregationType is not (AggregationType.FedAvg or AggregationType.FedProx or AggregationType.Scaffold or AggregationType.FedNova)),

        new("distributed_cache.type", Cluster),
        new("distributed_cache.address", Cluster),
        new("distributed_cache.plugin_lib_path", "MindSpore parses it but never loads a plugin, and FedSharp has none; remove the key"),
        new("distributed_cache.cacert_filename", Cluster),
        new("distributed_cache.capath", Cluster),
        new("distributed_cache.cert_filename", Cluster),
        new("distributed_cache.private_key_filename", Cluster),
        new("distributed_cache.server_name", Cluster),

        new("unsupervised.cluster_client_num", Unsupervised),
        new("unsupervised.eval_type", Unsupervised),

        new("encrypt.encrypt_train_type", "secure aggregation is not built yet, so updates would travel unmasked; use NOT_ENCRYPT",
            c => c.Encrypt.EncryptTrainType is EncryptType.PwEncrypt or EncryptType.StablePwEncrypt),
        new("encrypt.encrypt_train_type", "differential privacy is not built yet, so updates would travel without noise; use NOT_ENCRYPT",
            c => c.Encrypt.EncryptTrainType == EncryptType.DpEncrypt),
        new("encrypt.encrypt_train_type", "SignDS is not built yet, so updates would travel in the clear; use NOT_ENCRYPT",
            c => c.Encrypt.EncryptTrainType == EncryptType.Signds),
        new("encrypt.pw_encrypt.share_secrets_ratio", SecureAggregation),
        new("encrypt.pw_encrypt.cipher_time_window", SecureAggregation),
        new("encrypt.pw_encrypt.reconstruct_secrets_threshold", SecureAggregation),
        new("encrypt.dp_encrypt.dp_eps", DifferentialPrivacy),
        new("encrypt.dp_encrypt.dp_delta", DifferentialPrivacy),
        new("encrypt.dp_encrypt.dp_norm_clip", DifferentialPrivacy),
        new("encrypt.signds.sign_k", SignDs),
        new("encrypt.signds.sign_eps", SignDs),
        new("encrypt.signds.sign_thr_ratio", SignDs),
        new("encrypt.signds.sign_global_lr", SignDs),
        new("encrypt.signds.sign_dim_out", SignDs),
        new("encrypt.privacy_eval_type", "Laplace noise protects unsupervised evaluation outputs, which are not built yet; use NOT_ENCRYPT"),
        new("encrypt.laplace_eval.laplace_eval_eps", "it is a parameter of LAPLACE evaluation privacy, which is not built yet; remove the key"),

        new("compression.upload_compress_type", "upload compression is not built yet; use NO_COMPRESS"),
        new("compression.upload_sparse_rate", "it is a parameter of DIFF_SPARSE_QUANT, and upload compression is not built yet; remove the key"),
        new("compression.download_compress_type", "download compression is not built yet; use NO_COMPRESS"),

        new("ssl.client_cert_path", "it is for MindSpore's server-to-server TCP links, which FedSharp does not have; remove the key"),
        new("ssl.crl_path", "certificate revocation lists are not checked yet; remove the key"),
        new("ssl.cipher_list", "choosing TLS cipher suites is not built yet (the platform's TLS 1.2+ defaults apply); remove the key"),

        new("client_verify.pki_verify", "device certificate and signature verification is not built yet, so unsigned requests would be accepted; set it to false"),
        new("client_verify.root_first_ca_path", DeviceVerification),
        new("client_verify.root_second_ca_path", DeviceVerification),
        new("client_verify.equip_crl_path", DeviceVerification),
        new("client_verify.replay_attack_time_diff", DeviceVerification),
    ];

    /// <summary>One error per refused key of <paramref name="configuration"/>, in schema order; empty when every key can act.</summary>
    public static IReadOnlyList<ConfigurationError> Find(JobConfiguration configuration)
    {
        var errors = new List<ConfigurationError>();
        foreach (Rule rule in s_rules)
        {
            ConfigurationKey key = ConfigurationSchema.ByPath[rule.Path];
            bool refused = rule.Applies is null
                ? !string.Equals(key.Show(configuration), key.Show(s_defaults), StringComparison.Ordinal)
                : rule.Applies(configuration);
            if (refused)
            {
                errors.Add(new ConfigurationError(rule.Path, "<code>", 0, 0, $"'{rule.Path}' is {key.Show(configuration)}: {rule.Reason}."));
            }
        }

        return errors;
    }

    // Applies is null for "refused when not at its default".
    private sealed record Rule(string Path, string Reason, Func<JobConfiguration, bool>? Applies = null);
}
