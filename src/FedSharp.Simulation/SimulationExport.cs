using System.Text.Json;
using FedSharp.Core.Configuration;
using FedSharp.Core.Models;
using FedSharp.Core.Protocol;
using FedSharp.Learning.Data;
using FedSharp.Learning.Data.Partitioning;

namespace FedSharp.Simulation;

/// <summary>
/// Writes what another tool needs to run the same federated training as a simulation: the partition (each client's
/// indices into the training split, and the test set the global model is evaluated on), the initial global model's
/// weights and the run's hyperparameters. <c>benchmarks/reference/fedavg_torch.py</c> reads it.
/// </summary>
/// <remarks>
/// Layout of the directory: <c>manifest.json</c> (the hyperparameters, the data files, one entry per client and per
/// tensor); <c>partition/client-NNNNNNN.npy</c> (int32 indices into the training split, in the order the partitioner
/// dealt them); <c>test-indices.npy</c> (int32 indices into the test split); <c>weights/NAME.npy</c> (float32, the
/// tensor's shape, PyTorch's layout and parameter names). Every array is a NumPy <c>.npy</c> file.
/// </remarks>
public static class SimulationExport
{
    /// <summary>The manifest's file name inside the export directory.</summary>
    public const string ManifestFileName = "manifest.json";

    /// <summary>The manifest's <c>format</c> value; a reader checks it before reading anything else.</summary>
    public const string Format = "fedsharp-simulation-export/1";

    private const string TestIndicesPath = "test-indices.npy";

    /// <summary>Writes the export into <paramref name="directory"/>, creating it when missing; returns the manifest's path.</summary>
    /// <param name="directory">The export directory; files of an earlier export there are overwritten.</param>
    /// <param name="options">The simulation's options: hyperparameters, seeds and model.</param>
    /// <param name="data">The data set loaded by <see cref="FederatedDataset.Load"/> from the same options.</param>
    /// <param name="initialParameters">The global model the first round starts from.</param>
    /// <exception cref="ArgumentException">The data set was not dealt by a partitioner from IDX files, so there are no
    /// indices to export; or the job runs a strategy other than plain FedAvg, or asks for attackers or a robust aggregation rule, which the reference does not run.</exception>
    /// <exception cref="IOException">The directory or a file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory is not writable.</exception>
    public static string Write(string directory, SimulationOptions options, FederatedDataset data, ModelParameters initialParameters)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(initialParameters);
        if (options.Attack != Core.Configuration.SimulationAttack.None || options.Configuration.FedSharp.RobustAggregation != Core.Configuration.RobustAggregationRule.None)
        {
            // The reference runs plain FedAvg with honest clients; an export of anything else would compare two different experiments.
            throw new ArgumentException("The export describes a FedAvg run with honest clients, all that benchmarks/reference/fedavg_torch.py runs; export without simulation.attack and fedsharp.robust_aggregation.", nameof(options));
        }

        JobConfiguration job = options.Configuration;
        if (job.Aggregation.AggregationType != AggregationType.FedAvg || job.FedSharp.ServerOptimizer != ServerOptimizerKind.None)
        {
            // The manifest promises FedAvg and the PyTorch reference (tools/) runs exactly that; exporting another
            // strategy's job would compare two different algorithms.
            throw new ArgumentException(
                $"The export describes a FedAvg run, but this job uses aggregation_type {job.Aggregation.AggregationType} with fedsharp.server_optimizer {job.FedSharp.ServerOptimizer}; export with aggregation_type: FedAvg and server_optimizer: none.",
                nameof(options));
        }

        DataPartition partition = data.TrainPartition
            ?? throw new ArgumentException("The data set carries no partition indices; load it with FederatedDataset.Load so that each client's share of the training split is known.", nameof(data));
        DatasetLocation location = data.Location
            ?? throw new ArgumentException("The data set carries no file location; load it with FederatedDataset.Load from IDX files so that another tool can read the same samples.", nameof(data));

        Directory.CreateDirectory(Path.Combine(directory, "partition"));
        Directory.CreateDirectory(Path.Combine(directory, "weights"));
        for (int i = 0; i < partition.ClientCount; i++)
        {
            NpyFile.WriteInt32(Path.Combine(directory, ClientIndicesPath(i)), partition.Indices(i));
        }

        int[] testIndices = Enumerable.Range(0, data.Test.Count).ToArray();
        NpyFile.WriteInt32(Path.Combine(directory, TestIndicesPath), testIndices);
        foreach (ParameterTensor tensor in initialParameters.Tensors)
        {
            NpyFile.WriteFloat32(Path.Combine(directory, WeightPath(tensor.Name)), tensor.Shape, tensor.Values);
        }

        string manifest = Path.Combine(directory, ManifestFileName);
        using (var stream = new FileStream(manifest, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            WriteManifest(json, options, data, partition, location, initialParameters);
        }

        return manifest;
    }

    private static string ClientIndicesPath(int client) => $"partition/{FederatedSimulation.ClientId(client)}.npy";

    private static string WeightPath(string tensorName) => $"weights/{tensorName}.npy";

    private static void WriteManifest(
        Utf8JsonWriter json, SimulationOptions options, FederatedDataset data, DataPartition partition, DatasetLocation location, ModelParameters parameters)
    {
        var client = options.Configuration.Client;
        json.WriteStartObject();
        json.WriteString("format", Format);
        json.WriteString("fl_name", options.Configuration.FlName);
        json.WriteString("description", options.Describe());
        json.WriteString("model", options.ModelName);
        json.WriteNumber("model_seed", options.ModelSeed);
        json.WriteNumber("seed", options.Seed);

        json.WriteStartObject("hyperparameters");
        json.WriteNumber("rounds", options.Rounds);
        json.WriteNumber("clients", options.ClientCount);
        json.WriteNumber("clients_per_round", options.ClientsPerRound);
        json.WriteNumber("local_epochs", options.LocalEpochs);
        json.WriteNumber("batch_size", options.BatchSize);
        json.WriteNumber("learning_rate", client.ClientLearningRate);
        json.WriteNumber("momentum", client.ClientMomentum);
        json.WriteNumber("weight_decay", client.ClientWeightDecay);
        json.WriteString("aggregation", "fedavg weighted by client sample counts");
        json.WriteEndObject();

        json.WriteStartObject("dataset");
        json.WriteString("name", location.Dataset.ToString());
        json.WriteString("directory", Path.GetFullPath(location.Directory));
        json.WriteString("train_images", Path.GetFullPath(location.TrainImagesPath));
        json.WriteString("train_labels", Path.GetFullPath(location.TrainLabelsPath));
        json.WriteString("test_images", Path.GetFullPath(location.TestImagesPath));
        json.WriteString("test_labels", Path.GetFullPath(location.TestLabelsPath));
        json.WriteString("preprocessing", "pixels / 255 as float32, shape [1, 28, 28]");
        json.WriteNumber("test_samples", data.Test.Count);
        json.WriteEndObject();

        json.WriteStartObject("partition");
        json.WriteString("name", options.Configuration.Simulation.Partition);
        json.WriteString("kind", options.Partition.Kind.ToString());
        json.WriteNumber("beta", options.Partition.Beta);
        json.WriteNumber("labels_per_client", options.Partition.LabelsPerClient);
        json.WriteNumber("seed", options.Seed);
        json.WriteEndObject();

        json.WriteStartArray("clients");
        for (int i = 0; i < partition.ClientCount; i++)
        {
            json.WriteStartObject();
            json.WriteNumber("index", i);
            json.WriteString("id", FederatedSimulation.ClientId(i));
            json.WriteNumber("samples", partition.Indices(i).Length);
            json.WriteString("indices", ClientIndicesPath(i));
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartObject("test");
        json.WriteNumber("samples", data.Test.Count);
        json.WriteString("indices", TestIndicesPath);
        json.WriteEndObject();

        json.WriteStartArray("tensors");
        foreach (ParameterTensor tensor in parameters.Tensors)
        {
            json.WriteStartObject();
            json.WriteString("name", tensor.Name);
            json.WriteStartArray("shape");
            foreach (int d in tensor.Shape)
            {
                json.WriteNumberValue(d);
            }

            json.WriteEndArray();
            json.WriteString("dtype", "float32");
            json.WriteString("file", WeightPath(tensor.Name));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
