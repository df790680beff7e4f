using System.Reflection;
using FedSharp.Core.Configuration;
using FedSharp.Core.Protocol;
using FedSharp.Learning.Data.Partitioning;
using FedSharp.Learning.Models;

namespace FedSharp.Simulation;

/// <summary>
/// What a <see cref="FederatedSimulation"/> runs, read from a <see cref="JobConfiguration"/> whose command-line overrides the
/// caller has already applied. The configuration stays the one source of truth: the server in the simulation is
/// started from it and hands the same rounds, thresholds and training plan to every virtual client; these properties
/// are the typed view the simulator itself needs.
/// </summary>
public sealed partial class SimulationOptions
{
    /// <summary>The server's metrics file inside the report directory.</summary>
    public const string MetricsFileName = "metrics.json";

    /// <summary>The server's failure-event file inside the report directory.</summary>
    public const string FailureEventFileName = "event.txt";

    private const string Source = "simulation";

    private SimulationOptions(JobConfiguration configuration, PartitionerOptions partition)
    {
        Configuration = configuration;
        Partition = partition;
        SimulationSection simulation = configuration.Simulation;
        ClientCount = simulation.Clients;
        Dataset = simulation.Dataset;
        DataDirectory = simulation.DataDir.Length == 0 ? null : simulation.DataDir;
        Rounds = configuration.FlIterationNum;
        ClientsPerRound = configuration.Round.StartFlJobThreshold;
        LocalEpochs = configuration.Client.ClientEpochNum;
        BatchSize = configuration.Client.ClientBatchSize;
        LearningRate = (float)configuration.Client.ClientLearningRate;
        Momentum = (float)configuration.Client.ClientMomentum;
        WeightDecay = (float)configuration.Client.ClientWeightDecay;
        ModelName = configuration.FedSharp.Model;
        ModelSeed = configuration.FedSharp.ModelSeed;
        Threads = simulation.Threads == 0 ? Environment.ProcessorCount : simulation.Threads;
        Seed = simulation.Seed;
        Transport = simulation.Transport;
        ReportDirectory = simulation.ReportDir;
    }

    /// <summary>The job configuration the in-process server is started from; the simulator never changes it.</summary>
    public JobConfiguration Configuration { get; }

    /// <summary><c>simulation.clients</c>: number of virtual clients, ≥ 1.</summary>
    public int ClientCount { get; }

    /// <summary><c>simulation.dataset</c>: the data set partitioned among the clients.</summary>
    public SimulationDataset Dataset { get; }

    /// <summary><c>simulation.data_dir</c>: the folder searched first for the IDX files; null when not given.</summary>
    public string? DataDirectory { get; }

    /// <summary><c>simulation.partition</c> with β, K, shards per client and the minimum client size.</summary>
    public PartitionerOptions Partition { get; }

    /// <summary><c>fl_iteration_num</c>: iterations the server runs, failed ones included.</summary>
    public int Rounds { get; }

    /// <summary><c>round.start_fl_job_threshold</c>: clients accepted per iteration, at most <see cref="ClientCount"/>.</summary>
    public int ClientsPerRound { get; }

    /// <summary><c>client.client_epoch_num</c>: local epochs per iteration.</summary>
    public int LocalEpochs { get; }

    /// <summary><c>client.client_batch_size</c>: local mini-batch size.</summary>
    public int BatchSize { get; }

    /// <summary><c>client.client_learning_rate</c>: local SGD step size.</summary>
    public float LearningRate { get; }

    /// <summary><c>client.client_momentum</c>: local SGD momentum.</summary>
    public float Momentum { get; }

    /// <summary><c>client.client_weight_decay</c>: local L2 weight decay.</summary>
    public float WeightDecay { get; }

    /// <summary><c>fedsharp.model</c>: the model-zoo architecture, one of <see cref="ModelZoo.Names"/> taking [1, 28, 28] input.</summary>
    public string ModelName { get; }

    /// <summary><c>fedsharp.model_seed</c>: seed of the initial global model.</summary>
    public int ModelSeed { get; }

    /// <summary><c>simulation.threads</c> resolved: clients trained at once, ≥ 1 (0 in the file means one per core).</summary>
    public int Threads { get; }

    /// <summary><c>simulation.seed</c>: seed of the partition and of every client's shuffling.</summary>
    public int Seed { get; }

    /// <summary><c>simulation.transport</c>: clients call the server's handler directly, or over HTTP.</summary>
    public SimulationTransport Transport { get; }

    /// <summary><c>simulation.report_dir</c>: where <see cref="SimulationReport"/> writes its files.</summary>
    public string ReportDirectory { get; }

    /// <summary>
    /// Reads and checks the simulation's settings. Every problem is reported at once, each under its key, so that
    /// one run shows everything to fix.
    /// </summary>
    /// <param name="configuration">A configuration with the caller's overrides applied; it is validated here too.</param>
    /// <exception cref="ConfigurationException">A value is out of range, the partitioner or model is unknown, or
    /// more clients per round are asked for than there are clients.</exception>
    public static SimulationOptions FromConfiguration(JobConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        configuration.Validate();
        configuration.ThrowIfUnsupported();
        var errors = new List<ConfigurationError>();
        SimulationSection simulation = configuration.Simulation;
        PartitionerOptions partition = ParsePartition(simulation, errors);
        CheckModel(configuration.FedSharp.Model, errors);
        if (configuration.Round.StartFlJobThreshold > simulation.Clients)
        {
            errors.Add(Error(
                "round.start_fl_job_threshold",
                $"'round.start_fl_job_threshold' is {configuration.Round.StartFlJobThreshold} but 'simulation.clients' is {simulation.Clients}; no iteration could ever start. Lower the threshold to at most {simulation.Clients} or add clients."));
        }

        if (errors.Count > 0)
        {
            throw new ConfigurationException(Source, errors);
        }

        return new SimulationOptions(configuration, partition);
    }

    /// <summary>A one-line description for titles and logs, e.g. <c>simple-cnn, 10 clients (10 per round), dirichlet β=0.5, 50 rounds</c>.</summary>
    public string Describe()
    {
        string partition = Partition.Kind switch
        {
            PartitionerKind.Iid => "iid",
            PartitionerKind.DirichletLabelSkew => FormattableString.Invariant($"dirichlet β={Partition.Beta}"),
            PartitionerKind.LabelCount => FormattableString.Invariant($"#C={Partition.LabelsPerClient} labels"),
            PartitionerKind.QuantitySkew => FormattableString.Invariant($"quantity skew β={Partition.Beta}"),
            PartitionerKind.Shards => FormattableString.Invariant($"{Partition.ShardsPerClient} shards per client"),
            _ => Partition.Kind.ToString(),
        };
        // FedAvg, the default, is not named, so that the description of a plain run reads as it always has.
        string strategy = Configuration.Aggregation.AggregationType switch
        {
            AggregationType.FedProx => FormattableString.Invariant($", FedProx μ={Configuration.Aggregation.IidRate}"),
            AggregationType.Scaffold => FormattableString.Invariant($", SCAFFOLD N={Configuration.Aggregation.TotalClientNum ?? ClientCount}"),
            AggregationType.FedNova => ", FedNova",
            _ => string.Empty,
        };
        strategy += Configuration.FedSharp.ServerOptimizer switch
        {
            ServerOptimizerKind.None => string.Empty,
            ServerOptimizerKind.Momentum => FormattableString.Invariant($", FedAvgM β={Configuration.FedSharp.ServerMomentum} η={Configuration.FedSharp.ServerLearningRate}"),
            ServerOptimizerKind.Adam => FormattableString.Invariant($", FedAdam η={Configuration.FedSharp.ServerLearningRate}"),
            ServerOptimizerKind.Yogi => FormattableString.Invariant($", FedYogi η={Configuration.FedSharp.ServerLearningRate}"),
            _ => FormattableString.Invariant($", FedAdagrad η={Configuration.FedSharp.ServerLearningRate}"),
        };
        return FormattableString.Invariant($"{ModelName}, {ClientCount} clients ({ClientsPerRound} per round), {partition}, {Rounds} rounds{strategy}") + DescribeAttack();
    }

    /// <summary>
    /// A copy of <see cref="Configuration"/> for the simulation's own server: its checkpoints go to
    /// <c>&lt;report_dir&gt;/checkpoints</c> and its metrics and failure events to <c>&lt;report_dir&gt;</c>, so a
    /// simulation never resumes from, or appends to, the files of a production job or of an earlier run (call
    /// <see cref="ClearServerFiles"/> first). With random sampling and no <c>fedsharp.sampling_target</c>, the target
    /// is the client count, so each round's draw happens once every client has asked rather than at the end of the
    /// startFLJob window. SCAFFOLD's N (<c>aggregation.total_client_num</c>) is <c>simulation.clients</c>
    /// unless set. A host that serves the simulation over HTTP starts its server from this.
    /// </summary>
    public JobConfiguration CreateServerConfiguration()
    {
        var copy = new JobConfiguration();
        CopyProperties(Configuration, copy);
        copy.FedSharp.CheckpointDir = ServerCheckpointDirectory;

        // A simulation knows every client of its federation: SCAFFOLD's N defaults to simulation.clients.
        if (copy.Aggregation.AggregationType == AggregationType.Scaffold)
        {
            copy.Aggregation.TotalClientNum ??= ClientCount;
        }

        copy.Summary.MetricsFile = Path.Combine(ReportDirectory, MetricsFileName);
        copy.Summary.FailureEventFile = Path.Combine(ReportDirectory, FailureEventFileName);
        if (copy.FedSharp.ClientSampling == ClientSamplingMode.Random && copy.FedSharp.SamplingTarget == 0)
        {
            // The population is known: every client asks each round, so the draw can happen once all have asked
            // instead of at the end of the startFLJob window.
            copy.FedSharp.SamplingTarget = ClientCount;
        }

        return copy;
    }

    /// <summary>
    /// Deletes the checkpoints, metrics and failure events an earlier simulation left in the report directory, so the
    /// next one starts at iteration 1 and its files hold only its own lines. Touches nothing else.
    /// </summary>
    /// <exception cref="IOException">A file cannot be deleted; the message names it.</exception>
    public void ClearServerFiles()
    {
        string checkpoints = Path.Combine(ServerCheckpointDirectory, Configuration.FlName);
        var files = new List<string> { Path.Combine(ReportDirectory, MetricsFileName), Path.Combine(ReportDirectory, FailureEventFileName) };
        if (Directory.Exists(checkpoints))
        {
            files.AddRange(Directory.EnumerateFiles(checkpoints, "iteration-*"));
        }

        foreach (string file in files.Where(File.Exists))
        {
            try
            {
                File.Delete(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"Removing '{file}', left by an earlier simulation, failed; delete it by hand or choose another 'simulation.report_dir'.", ex);
            }
        }
    }

    private string ServerCheckpointDirectory => Path.Combine(ReportDirectory, "checkpoints");

    // Sections are get-only objects of settable scalars (nested sections inside some), so a recursive property copy
    // keeps up with keys added later without listing them here.
    private static void CopyProperties(object source, object destination)
    {
        foreach (PropertyInfo property in source.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            if (property.CanWrite)
            {
                property.SetValue(destination, property.GetValue(source));
            }
            else if (property.PropertyType.IsClass && property.PropertyType.Namespace == typeof(JobConfiguration).Namespace)
            {
                CopyProperties(property.GetValue(source)!, property.GetValue(destination)!);
            }
        }
    }

    private static PartitionerOptions ParsePartition(SimulationSection simulation, List<ConfigurationError> errors)
    {
        PartitionerOptions partition;
        try
        {
            partition = PartitionerOptions.Parse(simulation.Partition);
        }
        catch (ArgumentException ex)
        {
            errors.Add(Error("simulation.partition", $"'simulation.partition' is '{simulation.Partition}': {ex.Message}"));
            return new PartitionerOptions();
        }

        if (partition.Kind == PartitionerKind.Natural)
        {
            errors.Add(Error(
                "simulation.partition",
                "'simulation.partition' is 'natural', but the IDX image data sets have no users to partition by; choose iid, dirichlet, labels, quantity or shards."));
        }

        partition.Beta = simulation.PartitionBeta;
        partition.ShardsPerClient = simulation.ShardsPerClient;
        partition.MinSamplesPerClient = simulation.MinSamplesPerClient;

        // A NIID-Bench name such as noniid-#label3 carries its own K; the plain name takes labels_per_client.
        if (partition.Kind == PartitionerKind.LabelCount && !simulation.Partition.Trim().StartsWith("noniid-#label", StringComparison.OrdinalIgnoreCase))
        {
            partition.LabelsPerClient = simulation.LabelsPerClient;
        }

        return partition;
    }

    private static void CheckModel(string model, List<ConfigurationError> errors)
    {
        if (!ModelZoo.Names.Contains(model, StringComparer.Ordinal))
        {
            errors.Add(Error("fedsharp.model", $"'fedsharp.model' is '{model}', which is not in the model zoo; use one of {string.Join(", ", ModelZoo.Names)}."));
            return;
        }

        // Build the architecture once (cheap next to a simulation) to learn its input shape: the simulated data
        // sets are 28×28 grey images with 10 classes.
        Sequential probe = ModelZoo.Create(model, 0);
        if (!probe.InputShape.SequenceEqual([1, 28, 28]) || probe.OutputSize < 10)
        {
            errors.Add(Error(
                "fedsharp.model",
                $"'fedsharp.model' is '{model}', which takes [{string.Join(", ", probe.InputShape.ToArray())}] input with {probe.OutputSize} outputs; the simulated data sets are [1, 28, 28] images of 10 classes. Use logistic-regression, mlp-2nn, simple-cnn or femnist-cnn."));
        }
    }

    private static ConfigurationError Error(string key, string message) => new(key, Source, 0, 0, message);
}
