using FedSharp.Core.Configuration.Schema;
using FedSharp.Core.Protocol;

namespace FedSharp.Core.Configuration;

/// <summary>
/// A federated job's configuration: MindSpore Federated's YAML schema (same sections, key names, ranges and
/// defaults, so MindSpore files load unchanged) plus FedSharp's own <c>fedsharp</c> section. Every role reads it;
/// <c>--set key.path=value</c> overrides it. docs/configuration.md lists every key.
/// </summary>
public sealed class JobConfiguration
{
    /// <summary><c>fl_name</c>: the job's name; namespaces shared state and checkpoints. Required.</summary>
    public string FlName { get; set; } = string.Empty;

    /// <summary><c>fl_iteration_num</c>: iterations (attempts, failed ones included) per instance, in [1, 2147483647]. Default 20.</summary>
    public int FlIterationNum { get; set; } = 20;

    /// <summary><c>server_mode</c>: FEDERATED_LEARNING, HYBRID_TRAINING or CLOUD_TRAINING. Required in a file.</summary>
    public ServerMode ServerMode { get; set; } = ServerMode.FederatedLearning;

    /// <summary><c>enable_ssl</c>: serve devices over HTTPS with the <c>ssl</c> section's certificates. Default false.</summary>
    public bool EnableSsl { get; set; }

    /// <summary>The dotted path of every key a configuration may set, in schema order (docs/configuration.md lists the same).</summary>
    public static IReadOnlyList<string> KeyPaths { get; } = [.. ConfigurationSchema.Keys.Select(k => k.Path)];

    /// <summary>The <c>aggregation</c> section.</summary>
    public AggregationSection Aggregation { get; } = new();

    /// <summary>The <c>distributed_cache</c> section.</summary>
    public DistributedCacheSection DistributedCache { get; } = new();

    /// <summary>The <c>round</c> section.</summary>
    public RoundSection Round { get; } = new();

    /// <summary>The <c>summary</c> section.</summary>
    public SummarySection Summary { get; } = new();

    /// <summary>The <c>unsupervised</c> section.</summary>
    public UnsupervisedSection Unsupervised { get; } = new();

    /// <summary>The <c>encrypt</c> section.</summary>
    public EncryptSection Encrypt { get; } = new();

    /// <summary>The <c>compression</c> section.</summary>
    public CompressionSection Compression { get; } = new();

    /// <summary>The <c>ssl</c> section.</summary>
    public SslSection Ssl { get; } = new();

    /// <summary>The <c>client_verify</c> section.</summary>
    public ClientVerifySection ClientVerify { get; } = new();

    /// <summary>The <c>client</c> section.</summary>
    public ClientSection Client { get; } = new();

    /// <summary>The <c>fedsharp</c> section.</summary>
    public FedSharpSection FedSharp { get; } = new();

    /// <summary>The <c>simulation</c> section, read by <c>fedsharp simulate</c> and <c>fedsharp demo</c>.</summary>
    public SimulationSection Simulation { get; } = new();

    /// <summary>
    /// Loads a YAML file, then applies <paramref name="overrides"/> (<c>key.path=value</c>), then checks required keys
    /// and the rules between keys.
    /// </summary>
    /// <param name="path">The YAML file.</param>
    /// <param name="overrides">Assignments such as <c>round.start_fl_job_threshold=10</c>, applied in order.</param>
    /// <returns>The validated configuration.</returns>
    /// <exception cref="ConfigurationException">The file cannot be read or parsed, or any key is unknown, of the
    /// wrong type, out of range or missing; the exception lists every problem with its line.</exception>
    public static JobConfiguration Load(string path, IEnumerable<string>? overrides = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string yaml;
        try
        {
            yaml = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var error = new ConfigurationError(string.Empty, path, 0, 0, $"cannot read the configuration file '{Path.GetFullPath(path)}': {ex.Message}");
            throw new ConfigurationException(path, error, ex);
        }

        return Parse(yaml, path, overrides);
    }

    /// <summary>Like <see cref="Load"/>, for YAML text already in memory.</summary>
    /// <param name="yaml">The YAML document.</param>
    /// <param name="sourceName">Name used in error messages, usually the file name.</param>
    /// <param name="overrides">Assignments such as <c>round.start_fl_job_threshold=10</c>, applied in order.</param>
    /// <returns>The validated configuration.</returns>
    /// <exception cref="ConfigurationException">Any key is unknown, of the wrong type, out of range or missing, or
    /// the YAML is malformed.</exception>
    public static JobConfiguration Parse(string yaml, string sourceName, IEnumerable<string>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceName);
        return ConfigurationReader.Read(yaml, sourceName, overrides ?? []);
    }

    /// <summary>
    /// Applies <c>key.path=value</c> assignments with the same parsing and range rules as the file, then re-checks the
    /// rules between keys. Either every assignment is applied or, when one is invalid, none is.
    /// </summary>
    /// <param name="assignments">E.g. <c>round.start_fl_job_threshold=10</c> or <c>enable_ssl=True</c>.</param>
    /// <exception cref="ConfigurationException">An assignment is malformed, names an unknown key or gives a wrong
    /// value, or the result breaks a rule between keys.</exception>
    public void ApplyOverrides(IEnumerable<string> assignments)
    {
        ArgumentNullException.ThrowIfNull(assignments);
        ConfigurationReader.ApplyOverrides(this, [.. assignments]);
    }

    /// <summary>
    /// The FL plan a successful startFLJob hands to clients: mode, job name, iteration count, local epochs, batch size,
    /// learning rate, aggregation and the cipher parameters of <c>encrypt</c>.
    /// </summary>
    /// <remarks>
    /// Runtime state is left for the server to fill: <c>cipher.pw_params.prime</c> (the cluster's Shamir prime) and
    /// <c>cipher.ds_params.signds_r_est</c> / <c>signds_is_reached</c> (SignDS's current estimate).
    /// </remarks>
    /// <returns>A new message; the caller may change it.</returns>
    public FLPlan ToFLPlan() => new()
    {
        ServerMode = ServerMode,
        FlName = FlName,
        Iterations = FlIterationNum,
        Epochs = Client.ClientEpochNum,
        MiniBatch = Client.ClientBatchSize,
        Lr = (float)Client.ClientLearningRate,
        Momentum = (float)Client.ClientMomentum,
        WeightDecay = (float)Client.ClientWeightDecay,
        ModelName = FedSharp.Model,
        Aggregation = new Aggregation
        {
            Type = Aggregation.AggregationType,
            IidRate = (float)Aggregation.IidRate,
            TotalClientNum = Aggregation.TotalClientNum ?? 1,
        },
        Cipher = new CipherPublicParams
        {
            EncryptType = Encrypt.EncryptTrainType,
            PwParams = new PWParams { T = Encrypt.PwEncrypt.ReconstructSecretsThreshold },
            DpParams = new DPParams
            {
                DpEps = (float)Encrypt.DpEncrypt.DpEps,
                DpDelta = (float)Encrypt.DpEncrypt.DpDelta,
                DpNormClip = (float)Encrypt.DpEncrypt.DpNormClip,
            },
            DsParams = new DSParams
            {
                SignK = (float)Encrypt.Signds.SignK,
                SignEps = (float)Encrypt.Signds.SignEps,
                SignThrRatio = (float)Encrypt.Signds.SignThrRatio,
                SignGlobalLr = (float)Encrypt.Signds.SignGlobalLr,
                SignDimOut = Encrypt.Signds.SignDimOut,
            },
            LaplaceEvalEps = (float)Encrypt.LaplaceEval.LaplaceEvalEps,
        },
    };

    /// <summary>
    /// The keys this release loads but cannot act on (secure aggregation, differential privacy, the Redis cluster,
    /// strategies other than FedAvg, …), one error each naming the key, its value and what to do instead; empty when
    /// every key set can act. docs/configuration.md marks the same keys "refused".
    /// </summary>
    /// <returns>The refusals, each with the file and line (or the <c>--set</c> override) that set the key.</returns>
    public IReadOnlyList<ConfigurationError> FindUnsupported() =>
        [.. UnbuiltFeatures.Find(this).Select(e => KeySources.TryGetValue(e.KeyPath, out ConfigurationError? at)
            ? e with { Source = at.Source, Line = at.Line, Column = at.Column }
            : e)];

    /// <summary>
    /// Stops start-up when the configuration asks for something this release does not build, rather than run without
    /// the protection or behaviour asked for. Every role (server, client, simulation) calls it before it starts.
    /// </summary>
    /// <exception cref="ConfigurationException">Lists every refused key (see <see cref="FindUnsupported"/>).</exception>
    public void ThrowIfUnsupported()
    {
        IReadOnlyList<ConfigurationError> refused = FindUnsupported();
        if (refused.Count > 0)
        {
            throw new ConfigurationException(refused[0].Source, refused);
        }
    }

    /// <summary>Where each key was last written (file and line, or the <c>--set</c> assignment); keys set in code are absent.</summary>
    internal Dictionary<string, ConfigurationError> KeySources { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Checks a configuration built or changed in code: every value in range, required keys set, rules between keys.
    /// </summary>
    /// <exception cref="ConfigurationException">Lists every problem, with <c>&lt;code&gt;</c> as its source.</exception>
    public void Validate() => ConfigurationReader.Validate(this);
}
