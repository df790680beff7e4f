namespace FedSharp.Core.Configuration;

/// <summary>The <c>fedsharp</c> section: FedSharp's own settings, absent from MindSpore's schema.</summary>
public sealed class FedSharpSection
{
    /// <summary><c>fedsharp.checkpoint_dir</c>: directory of the per-iteration model checkpoints. Default <c>./fl_ckpt/</c>.</summary>
    public string CheckpointDir { get; set; } = "./fl_ckpt/";

    /// <summary><c>fedsharp.checkpoint_keep_count</c>: newest checkpoints kept, in [1, 1000]. Default 3.</summary>
    public int CheckpointKeepCount { get; set; } = 3;

    /// <summary><c>fedsharp.http_listen_address</c>: <c>host:port</c> the device endpoint listens on. Default <c>127.0.0.1:6666</c>.</summary>
    public string HttpListenAddress { get; set; } = "127.0.0.1:6666";

    /// <summary>
    /// <c>fedsharp.max_request_body_bytes</c>: largest accepted request body; larger ones get HTTP 413. In
    /// [1024, 2147483647]. Default 104857600 (100 MiB, MindSpore's limit).
    /// </summary>
    public long MaxRequestBodyBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary><c>fedsharp.client_sampling</c>: <c>first_come</c> or <c>random</c>. Default first_come.</summary>
    public ClientSamplingMode ClientSampling { get; set; } = ClientSamplingMode.FirstCome;

    /// <summary>
    /// <c>fedsharp.sampling_target</c>: with random sampling, the draw happens as soon as this many candidates have
    /// asked (over-selection: more than <c>round.start_fl_job_threshold</c> gives the draw a choice), or at the
    /// startFLJob deadline if fewer ask in time. 0 (the default) draws at the deadline only; otherwise at least
    /// <c>start_fl_job_threshold</c>. A simulation with random sampling uses its client count when this is 0.
    /// </summary>
    public int SamplingTarget { get; set; }

    /// <summary>
    /// <c>fedsharp.model</c>: the model-zoo architecture the server initialises and clients train (FLPlan.model_name),
    /// e.g. <c>simple-cnn</c>, <c>mlp-2nn</c>, <c>logistic-regression</c>, <c>femnist-cnn</c>, <c>lenet5-3x32</c>.
    /// Checked against the zoo at start-up. Default <c>simple-cnn</c>.
    /// </summary>
    public string Model { get; set; } = "simple-cnn";

    /// <summary><c>fedsharp.model_seed</c>: seed of the initial global model's weights, in [0, 2147483647]. Default 0.</summary>
    public int ModelSeed { get; set; }

    /// <summary><c>fedsharp.seed</c>: seed of the server's random generator (client sampling), in [0, 2147483647]. Default 0.</summary>
    public int Seed { get; set; }

    /// <summary>
    /// <c>fedsharp.server_optimizer</c>: what the server does with the pseudo-gradient Δ = weighted mean − global model:
    /// <c>none</c> (the mean is the next model), <c>momentum</c> (FedAvgM), <c>adam</c>, <c>yogi</c> or <c>adagrad</c>
    /// (FedOpt). Default none.
    /// </summary>
    public ServerOptimizerKind ServerOptimizer { get; set; } = ServerOptimizerKind.None;

    /// <summary><c>fedsharp.server_learning_rate</c>: the server step size η, finite and greater than 0. Default 1.</summary>
    public double ServerLearningRate { get; set; } = 1.0;

    /// <summary><c>fedsharp.server_momentum</c>: FedAvgM's momentum β in [0, 1). Default 0.9.</summary>
    public double ServerMomentum { get; set; } = 0.9;

    /// <summary><c>fedsharp.server_beta1</c>: FedOpt's first-moment decay β₁ in [0, 1). Default 0.9.</summary>
    public double ServerBeta1 { get; set; } = 0.9;

    /// <summary><c>fedsharp.server_beta2</c>: FedAdam's and FedYogi's second-moment decay β₂ in [0, 1). Default 0.99.</summary>
    public double ServerBeta2 { get; set; } = 0.99;

    /// <summary><c>fedsharp.server_tau</c>: FedOpt's adaptivity τ &gt; 0 (added to √v; v starts at τ²). Default 0.001.</summary>
    public double ServerTau { get; set; } = 1e-3;
}
