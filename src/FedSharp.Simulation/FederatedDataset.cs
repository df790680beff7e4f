using FedSharp.Core.Configuration;
using FedSharp.Learning.Data;
using FedSharp.Learning.Data.Partitioning;

namespace FedSharp.Simulation;

/// <summary>
/// A simulation's data: the training split dealt among the virtual clients by a seeded partitioner, and the test
/// split the global model is evaluated on after every round (NIID-Bench evaluates on the full test set).
/// </summary>
public sealed class FederatedDataset
{
    private readonly LabeledDataset[] _clients;

    /// <summary>Wraps client data sets and a test set; every client must hold at least one sample.</summary>
    /// <param name="clients">One training set per client, indexed by client.</param>
    /// <param name="test">The held-out test set.</param>
    /// <param name="description">Where the data came from, for reports.</param>
    /// <exception cref="ArgumentException">There is no client, a client holds no sample, or the shapes differ.</exception>
    public FederatedDataset(IReadOnlyList<LabeledDataset> clients, LabeledDataset test, string description)
    {
        ArgumentNullException.ThrowIfNull(clients);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(description);
        if (clients.Count == 0)
        {
            throw new ArgumentException("A federated data set needs at least one client.", nameof(clients));
        }

        _clients = [.. clients];
        for (int i = 0; i < _clients.Length; i++)
        {
            LabeledDataset client = _clients[i] ?? throw new ArgumentException($"Client {i} has no data set.", nameof(clients));
            if (client.Count == 0)
            {
                throw new ArgumentException(
                    $"Client {i} holds no sample, so it could never join an iteration (startFLJob needs a data size ≥ 1); use fewer clients, a milder partition or a larger 'simulation.min_samples_per_client'.",
                    nameof(clients));
            }

            if (!client.SampleShape.SequenceEqual(test.SampleShape))
            {
                throw new ArgumentException(
                    $"Client {i}'s samples have shape [{string.Join(", ", client.SampleShape.ToArray())}] but the test set's have [{string.Join(", ", test.SampleShape.ToArray())}]; both must come from one data set.",
                    nameof(clients));
            }
        }

        Test = test;
        Description = description;
    }

    /// <summary>Each client's training data, indexed by client.</summary>
    public IReadOnlyList<LabeledDataset> Clients => _clients;

    /// <summary>The test set the global model is evaluated on.</summary>
    public LabeledDataset Test { get; }

    /// <summary>Where the data came from, e.g. the data set and its directory.</summary>
    public string Description { get; }

    /// <summary>
    /// The indices into the training split that each client holds, when this data set was dealt by
    /// <see cref="Partition(LabeledDataset, LabeledDataset, SimulationOptions, string)"/>; null otherwise.
    /// </summary>
    public DataPartition? TrainPartition { get; private init; }

    /// <summary>The IDX files the data came from, when <see cref="Load"/> found them; null otherwise.</summary>
    public DatasetLocation? Location { get; private set; }

    /// <summary>Total training samples across clients.</summary>
    public long TrainingSampleCount => _clients.Sum(c => (long)c.Count);

    /// <summary>
    /// Finds and loads the data set the options name, then partitions its training split among
    /// <see cref="SimulationOptions.ClientCount"/> clients with a generator seeded by <see cref="SimulationOptions.Seed"/>.
    /// </summary>
    /// <param name="options">The simulation's options.</param>
    /// <param name="applicationDirectory">Where the search for the bundled subset starts; null for the application's directory.</param>
    /// <exception cref="DatasetNotFoundException">No searched place holds the data set.</exception>
    /// <exception cref="DatasetFormatException">A data file is malformed.</exception>
    /// <exception cref="ConfigurationException">There are more clients than samples, or the partition cannot be drawn.</exception>
    public static FederatedDataset Load(SimulationOptions options, string? applicationDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var locatorOptions = new DatasetLocatorOptions
        {
            Dataset = options.Dataset == SimulationDataset.Mnist ? ImageDataset.Mnist : ImageDataset.FashionMnist,
            UseBundledSubset = options.Dataset == SimulationDataset.FashionMnistSubset,
            DataDirectory = options.DataDirectory,
        };
        if (applicationDirectory is not null)
        {
            locatorOptions.ApplicationDirectory = applicationDirectory;
        }

        DatasetLocation location = new DatasetLocator(locatorOptions).Locate();
        TrainTestSplit split = location.Load();
        FederatedDataset data = Partition(split.Train, split.Test, options, location.ToString());
        data.Location = location;
        return data;
    }

    /// <summary>Partitions <paramref name="train"/> among the options' clients, seeded by <see cref="SimulationOptions.Seed"/>.</summary>
    /// <exception cref="ConfigurationException">There are more clients than samples, or the partition cannot be drawn.</exception>
    public static FederatedDataset Partition(LabeledDataset train, LabeledDataset test, SimulationOptions options, string description)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(options);
        if (options.ClientCount > train.Count)
        {
            throw new ConfigurationException("simulation", [new ConfigurationError(
                "simulation.clients",
                "simulation",
                0,
                0,
                $"'simulation.clients' is {options.ClientCount} but {description} has only {train.Count} training samples; every client needs at least one. Use at most {train.Count} clients or a larger data set.")]);
        }

        DataPartition partition;
        try
        {
            IDataPartitioner partitioner = PartitionerFactory.Create(options.Partition);
            partition = partitioner.Partition(train.Labels, train.ClassCount, options.ClientCount, new Random(options.Seed));
        }
        catch (ArgumentException ex)
        {
            throw new ConfigurationException(
                "simulation",
                new ConfigurationError(
                    "simulation.partition",
                    "simulation",
                    0,
                    0,
                    $"Partitioning {train.Count} samples of {description} among {options.ClientCount} clients with '{options.Partition.Kind}' failed: {ex.Message}"),
                ex);
        }

        LabeledDataset[] clients = partition.Split(train);
        for (int i = 0; i < clients.Length; i++)
        {
            if (clients[i].Count == 0)
            {
                throw new ConfigurationException("simulation", [new ConfigurationError(
                    "simulation.partition",
                    "simulation",
                    0,
                    0,
                    $"The '{options.Partition.Kind}' partition of {train.Count} samples among {options.ClientCount} clients left client {i} without samples; use fewer clients, a milder partition or a larger 'simulation.min_samples_per_client'.")]);
            }
        }

        return new FederatedDataset(clients, test, description) { TrainPartition = partition };
    }
}
