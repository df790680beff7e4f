using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FedSharp.Core.Configuration;
using FedSharp.Learning.Data;
using FedSharp.Learning.Layers;
using FedSharp.Learning.Models;
using FedSharp.Simulation;

namespace FedSharp.Cli.Tests;

/// <summary>`fedsharp simulate --export-dir`: the files benchmarks/reference/fedavg_torch.py reads.</summary>
public sealed partial class SimulateExportTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fedsharp-export-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Simulate_ExportOnly_WritesEachClientsShardTheTestSetAndTheInitialWeights()
    {
        string config = await WriteConfigAsync("simple-cnn", rounds: 3);
        string export = Path.Combine(_directory, "export", "nested");

        ProcessResult result = await FedSharpProcess.RunAsync("simulate", "--config", config, "--export-dir", export, "--export-only", "--json");

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(Path.Combine(export, "manifest.json"), result.LastJsonLine().GetProperty("manifest").GetString());
        Assert.False(File.Exists(Path.Combine(_directory, "report", "rounds.csv")), "--export-only must not train");
        using JsonDocument manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(export, "manifest.json")));
        JsonElement root = manifest.RootElement;
        Assert.Equal("fedsharp-simulation-export/1", root.GetProperty("format").GetString());
        JsonElement hyper = root.GetProperty("hyperparameters");
        Assert.Equal(3, hyper.GetProperty("rounds").GetInt32());
        Assert.Equal(4, hyper.GetProperty("clients").GetInt32());
        Assert.Equal(2, hyper.GetProperty("local_epochs").GetInt32());
        Assert.Equal(32, hyper.GetProperty("batch_size").GetInt32());
        Assert.Equal(0.05, hyper.GetProperty("learning_rate").GetDouble());
        Assert.Equal(0.9, hyper.GetProperty("momentum").GetDouble());
        Assert.Equal(1e-5, hyper.GetProperty("weight_decay").GetDouble());

        // The shards the simulation itself deals from the same configuration.
        SimulationOptions options = SimulationOptions.FromConfiguration(JobConfiguration.Load(config));
        FederatedDataset data = FederatedDataset.Load(options);
        LabeledDataset train = IdxFile.Load(
            root.GetProperty("dataset").GetProperty("train_images").GetString()!,
            root.GetProperty("dataset").GetProperty("train_labels").GetString()!,
            10);
        JsonElement clients = root.GetProperty("clients");
        Assert.Equal(4, clients.GetArrayLength());
        var seen = new HashSet<int>();
        for (int i = 0; i < 4; i++)
        {
            JsonElement client = clients[i];
            int[] indices = ReadInt32(Path.Combine(export, client.GetProperty("indices").GetString()!));
            Assert.Equal(data.TrainPartition!.Indices(i).ToArray(), indices);
            Assert.Equal(data.Clients[i].Count, client.GetProperty("samples").GetInt32());
            Assert.Equal(data.Clients[i].Labels.ToArray(), indices.Select(x => train.Labels[x]).ToArray());
            Assert.Equal(2, indices.Select(x => train.Labels[x]).Distinct().Count()); // #C=2
            Assert.All(indices, x => Assert.True(seen.Add(x), $"sample {x} is dealt twice"));
        }

        Assert.Equal(Enumerable.Range(0, data.Test.Count), ReadInt32(Path.Combine(export, root.GetProperty("test").GetProperty("indices").GetString()!)));
        Assert.Equal(1000, data.Test.Count);

        IReadOnlyList<Parameter> expected = ModelZoo.Create("simple-cnn", 3).Parameters;
        JsonElement tensors = root.GetProperty("tensors");
        Assert.Equal(expected.Select(p => p.Name), tensors.EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        for (int i = 0; i < expected.Count; i++)
        {
            (int[] shape, float[] values) = ReadFloat32(Path.Combine(export, tensors[i].GetProperty("file").GetString()!));
            Assert.Equal(expected[i].Value.Shape.ToArray(), shape);
            Assert.Equal(shape, tensors[i].GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
            Assert.Equal(expected[i].Value.ReadOnlySpan.ToArray(), values);
        }
    }

    [Fact]
    public async Task Simulate_ExportDirWithTraining_ExportsThenRunsEveryRound()
    {
        string config = await WriteConfigAsync("logistic-regression", rounds: 1);
        string export = Path.Combine(_directory, "export");

        ProcessResult result = await FedSharpProcess.RunAsync("simulate", "--config", config, "--export-dir", export, "--json");

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(1, result.LastJsonLine().GetProperty("valid_rounds").GetInt32());
        Assert.True(File.Exists(Path.Combine(export, "weights", "linear.weight.npy")));
    }

    [Fact]
    public async Task Simulate_ExportDirIsAFile_FailsWithOneLineNamingIt()
    {
        string config = await WriteConfigAsync("logistic-regression", rounds: 1);
        string file = Path.Combine(_directory, "not-a-directory");
        await File.WriteAllTextAsync(file, "x");

        ProcessResult result = await FedSharpProcess.RunAsync("simulate", "--config", config, "--export-dir", file, "--export-only");

        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"--export-dir '{file}' cannot be written", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_ExportOnlyWithoutExportDir_FailsNamingTheMissingOption()
    {
        string config = await WriteConfigAsync("logistic-regression", rounds: 1);

        ProcessResult result = await FedSharpProcess.RunAsync("simulate", "--config", config, "--export-only");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--export-only needs --export-dir", result.StandardError, StringComparison.Ordinal);
    }

    private async Task<string> WriteConfigAsync(string model, int rounds)
    {
        string config = Path.Combine(_directory, "sim.yaml");
        await File.WriteAllTextAsync(config, $"""
            fl_name: cli-export
            fl_iteration_num: {rounds}
            server_mode: FEDERATED_LEARNING
            round:
              start_fl_job_threshold: 4
            client:
              client_epoch_num: 2
              client_batch_size: 32
              client_learning_rate: 0.05
              client_momentum: 0.9
              client_weight_decay: 0.00001
            fedsharp:
              model: {model}
              model_seed: 3
            simulation:
              clients: 4
              dataset: fashion-mnist-subset
              partition: noniid-#label2
              seed: 5
              report_dir: {Path.Combine(_directory, "report")}
            """);
        return config;
    }

    private static int[] ReadInt32(string path)
    {
        (string descr, int[] shape, byte[] data) = ReadNpy(path);
        Assert.Equal("<i4", descr);
        Assert.Single(shape);
        var values = new int[shape[0]];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(i * 4));
        }

        return values;
    }

    private static (int[] Shape, float[] Values) ReadFloat32(string path)
    {
        (string descr, int[] shape, byte[] data) = ReadNpy(path);
        Assert.Equal("<f4", descr);
        var values = new float[shape.Aggregate(1, (a, b) => a * b)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(i * 4));
        }

        return (shape, values);
    }

    // The .npy v1.0 layout numpy.load reads: magic, version, 16-bit header length, a Python dict literal, the data.
    private static (string Descr, int[] Shape, byte[] Data) ReadNpy(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0], bytes[..8]);
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        Assert.Equal(0, (10 + headerLength) % 64);
        string header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.EndsWith("\n", header, StringComparison.Ordinal);
        Match match = NpyHeader().Match(header);
        Assert.True(match.Success, header);
        int[] shape = match.Groups["shape"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        byte[] data = bytes[(10 + headerLength)..];
        Assert.Equal(shape.Aggregate(1, (a, b) => a * b) * 4, data.Length);
        return (match.Groups["descr"].Value, shape, data);
    }

    [GeneratedRegex(@"^\{'descr': '(?<descr>[^']+)', 'fortran_order': False, 'shape': \((?<shape>[0-9, ]*)\), \}")]
    private static partial Regex NpyHeader();
}
