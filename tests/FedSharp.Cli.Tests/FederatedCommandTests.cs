using System.Text.Json;
using System.Xml.Linq;

namespace FedSharp.Cli.Tests;

/// <summary>The federated commands end to end, each run as a separate `fedsharp` process.</summary>
public sealed class FederatedCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fedsharp-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Demo_Json_FollowsTheSimulateContractAndWritesTheChart()
    {
        ProcessResult result = await FedSharpProcess.RunAsync(
            "demo", "--json", "--rounds", "3", "--clients", "4", "--set", $"simulation.report_dir={_directory}");

        Assert.True(result.ExitCode == 0, result.StandardError);
        string[] lines = result.OutputLines;
        Assert.Equal(4, lines.Length);
        for (int round = 1; round <= 3; round++)
        {
            JsonElement line = JsonDocument.Parse(lines[round - 1]).RootElement;
            Assert.Equal(round, line.GetProperty("round").GetInt32());
            Assert.True(line.GetProperty("valid").GetBoolean());
            Assert.InRange(line.GetProperty("accuracy").GetDouble(), 0, 1);
            Assert.True(double.IsFinite(line.GetProperty("loss").GetDouble()));
            Assert.Equal(4, line.GetProperty("participants").GetInt32());
            Assert.True(line.GetProperty("seconds").GetDouble() >= 0);
        }

        JsonElement summary = result.LastJsonLine();
        Assert.Equal(3, summary.GetProperty("rounds").GetInt32());
        Assert.Equal(3, summary.GetProperty("valid_rounds").GetInt32());
        Assert.True(summary.GetProperty("best_accuracy").GetDouble() >= summary.GetProperty("final_accuracy").GetDouble());
        Assert.True(summary.GetProperty("seconds").GetDouble() > 0);
        string chart = summary.GetProperty("chart").GetString()!;
        Assert.Equal(2, XDocument.Load(chart).Descendants(XName.Get("polyline", "http://www.w3.org/2000/svg")).Count());
        Assert.Equal(4, File.ReadAllLines(Path.Combine(_directory, "rounds.csv")).Length);
    }

    [Fact]
    public async Task Demo_OverHttp_TrainsThroughTheEmbeddedKestrelServer()
    {
        ProcessResult result = await FedSharpProcess.RunAsync(
            "demo", "--json", "--rounds", "2", "--clients", "3", "--transport", "http", "--set", $"simulation.report_dir={_directory}");

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(2, result.LastJsonLine().GetProperty("valid_rounds").GetInt32());
        // The server's own metrics file: one JSON line per iteration, with the bytes that crossed the wire.
        string[] metrics = File.ReadAllLines(Path.Combine(_directory, "metrics.json"));
        Assert.Equal(2, metrics.Length);
        // Three simple-cnn uploads of 44,426 float32 values each.
        JsonElement first = JsonDocument.Parse(metrics[0]).RootElement;
        Assert.Equal(3L * 44_426 * 4, first.GetProperty("bytes_in").GetInt64());
        Assert.True(first.GetProperty("loss").GetDouble() > 0);

        // The simulated devices hold no evaluation data, so none reports an accuracy: the metrics say so rather than
        // averaging absent values into 0 (regression: upload_accuracy had no presence on the wire).
        Assert.Equal(JsonValueKind.Null, first.GetProperty("accuracy").ValueKind);
    }

    [Fact]
    public async Task Simulate_DirichletPartitionFromYaml_RunsEveryRound()
    {
        string config = Path.Combine(_directory, "sim.yaml");
        await File.WriteAllTextAsync(config, $"""
            fl_name: cli-simulate
            fl_iteration_num: 2
            server_mode: FEDERATED_LEARNING
            round:
              start_fl_job_threshold: 5
            client:
              client_epoch_num: 1
              client_batch_size: 32
              client_learning_rate: 0.01
            fedsharp:
              model: logistic-regression
            simulation:
              clients: 5
              dataset: fashion-mnist-subset
              partition: dirichlet
              partition_beta: 0.5
              report_dir: {Path.Combine(_directory, "report")}
            """);

        ProcessResult result = await FedSharpProcess.RunAsync("simulate", "--config", config, "--json");

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(2, result.LastJsonLine().GetProperty("valid_rounds").GetInt32());
        Assert.True(File.Exists(Path.Combine(_directory, "report", "summary.json")));
    }

    [Fact]
    public async Task Simulate_UnknownKeyInYaml_NamesKeyLineAndSuggestion()
    {
        string config = Path.Combine(_directory, "bad.yaml");
        await File.WriteAllTextAsync(config, "fl_name: bad\nserver_mode: FEDERATED_LEARNING\nround:\n  start_fl_job_threshold: 2\n  update_model_ration: 1.0\n");

        ProcessResult result = await FedSharpProcess.RunAsync("simulate", "--config", config);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("round.update_model_ration", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("update_model_ratio", result.StandardError, StringComparison.Ordinal);
        Assert.Contains(":5", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_MindSporeLeNetExample_RefusesWhatIsNotBuilt_OneLinePerKeyWithItsLine()
    {
        string lenet = Path.Combine(FedSharpProcess.RepositoryRoot(), "tests", "FedSharp.Core.Tests", "Assets", "mindspore-lenet-example.yaml");

        ProcessResult result = await FedSharpProcess.RunAsync("server", "--config", lenet, "--http", "127.0.0.1:0");

        Assert.Equal(1, result.ExitCode);
        string[] lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, line => Assert.StartsWith("fedsharp: ", line, StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("mindspore-lenet-example.yaml:10:3: 'distributed_cache.address' is '127.0.0.1:23456': the Redis cluster is not built yet", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("'unsupervised.eval_type' is SILHOUETTE_SCORE", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("'encrypt.pw_encrypt.cipher_time_window' is 3000", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_DpEncryptSetOnTheCommandLine_RefusedNamingTheOverride()
    {
        string config = Path.Combine(FedSharpProcess.RepositoryRoot(), "examples", "loopback", "fashion-mnist.yaml");

        ProcessResult result = await FedSharpProcess.RunAsync("server", "--config", config, "--http", "127.0.0.1:0", "--set", "encrypt.encrypt_train_type=DP_ENCRYPT");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            "fedsharp: --set encrypt.encrypt_train_type=DP_ENCRYPT: 'encrypt.encrypt_train_type' is DP_ENCRYPT: differential privacy is not built yet, so updates would travel without noise; use NOT_ENCRYPT.",
            result.StandardError.Trim());
    }

    [Fact]
    public async Task Server_ModelOutsideTheZoo_RefusesToStartNamingTheValidModels()
    {
        string config = Path.Combine(_directory, "server.yaml");
        await File.WriteAllTextAsync(config, "fl_name: s\nserver_mode: FEDERATED_LEARNING\nround:\n  start_fl_job_threshold: 1\nfedsharp:\n  model: resnet-9000\n");

        ProcessResult result = await FedSharpProcess.RunAsync("server", "--config", config, "--http", "127.0.0.1:0");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("resnet-9000", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("simple-cnn", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_NoServerListening_FailsWithOneLineNamingTheUrl()
    {
        ProcessResult result = await FedSharpProcess.RunAsync(
            "client", "--fl-name", "nobody-home", "--server-urls", "http://127.0.0.1:9", "--dataset", "fashion-mnist-subset",
            "--model", "logistic-regression", "--client-index", "0", "--clients", "2");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("http://127.0.0.1:9", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoopbackExample_ServerAndClientProcesses_EveryIterationValid()
        => await RunLoopbackAsync();

    [Fact]
    public async Task LoopbackExample_FedProxWithFedAdam_ServerAndClientProcessesEveryIterationValid()
    {
        // The keys alone switch FedProx on in both roles: the server sends μ, each client process's trainer claims it
        // (a client that did not would stop), and the server steps FedAdam on the mean.
        await RunLoopbackAsync(
            "aggregation.aggregation_type=FedProx", "aggregation.iid_rate=0.01",
            "fedsharp.server_optimizer=adam", "fedsharp.server_learning_rate=0.01");
    }

    [Fact]
    public async Task LoopbackExample_Scaffold_ServerAndClientProcessesEveryIterationValid()
    {
        // The server sends c, each client process keeps its cᵢ and reports Δcᵢ; N is the example's 3 clients.
        await RunLoopbackAsync("aggregation.aggregation_type=Scaffold", "aggregation.total_client_num=3");
    }

    [Fact]
    public async Task LoopbackExample_FedNova_ServerAndClientProcessesEveryIterationValid()
    {
        await RunLoopbackAsync("aggregation.aggregation_type=FedNova");
    }

    [Fact]
    public async Task Server_ScaffoldWithoutTotalClients_NamesTheKey()
    {
        string config = Path.Combine(_directory, "scaffold.yaml");
        await File.WriteAllTextAsync(config, "fl_name: scaffold\nserver_mode: FEDERATED_LEARNING\nround:\n  start_fl_job_threshold: 2\naggregation:\n  aggregation_type: Scaffold\n");

        ProcessResult result = await FedSharpProcess.RunAsync("server", "--config", config);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("aggregation.total_client_num", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_ServerOptimizerKeyWithoutEffect_NamesTheKeyAndTheFix()
    {
        string config = Path.Combine(_directory, "stray.yaml");
        await File.WriteAllTextAsync(config, "fl_name: stray\nserver_mode: FEDERATED_LEARNING\nround:\n  start_fl_job_threshold: 2\nfedsharp:\n  server_optimizer: adagrad\n  server_beta2: 0.999\n");

        ProcessResult result = await FedSharpProcess.RunAsync("simulate", "--config", config);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("'fedsharp.server_beta2' is 0.999 but has no effect", result.StandardError, StringComparison.Ordinal);
        Assert.Contains(":7", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    private async Task RunLoopbackAsync(params string[] keys)
    {
        var script = new System.Diagnostics.ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        script.ArgumentList.Add(Path.Combine(FedSharpProcess.RepositoryRoot(), "examples", "loopback", "run.sh"));
        script.ArgumentList.Add("--clients");
        script.ArgumentList.Add("3");
        script.ArgumentList.Add("--workdir");
        script.ArgumentList.Add(_directory);
        foreach (string key in keys)
        {
            script.ArgumentList.Add("--set");
            script.ArgumentList.Add(key);
        }

        using var process = System.Diagnostics.Process.Start(script)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);

        Assert.True(process.ExitCode == 0, await output + await error);
        Assert.Contains("OK: 3 of 3 iterations valid", await output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_directory, "out", "metrics.json")));
    }
}
