using System.Text.Json;

namespace FedSharp.Cli.Tests;

/// <summary><c>fedsharp.robust_aggregation</c> and the simulator's attackers through the `fedsharp` command, each run as a separate process.</summary>
public sealed class RobustAggregationCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fedsharp-robust-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Server_KrumWithFTooLargeForTheThreshold_RefusedInOneLineWithTheBound()
    {
        string config = Path.Combine(FedSharpProcess.RepositoryRoot(), "examples", "loopback", "fashion-mnist.yaml");

        ProcessResult result = await FedSharpProcess.RunAsync(
            "server", "--config", config, "--http", "127.0.0.1:0", "--set", "fedsharp.robust_aggregation=krum", "--set", "fedsharp.krum_byzantine=1");

        Assert.Equal(1, result.ExitCode);
        string line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("'fedsharp.krum_byzantine' is 1; krum with f = 1 needs at least 2f + 3 = 5 updates per iteration", line, StringComparison.Ordinal);
        Assert.Contains("= 4", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_BetaWithoutTrimmedMean_RefusedNamingTheOverride()
    {
        string config = Path.Combine(FedSharpProcess.RepositoryRoot(), "examples", "loopback", "fashion-mnist.yaml");

        ProcessResult result = await FedSharpProcess.RunAsync(
            "server", "--config", config, "--http", "127.0.0.1:0", "--set", "fedsharp.robust_aggregation=median", "--set", "fedsharp.trimmed_mean_beta=0.3");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("'fedsharp.trimmed_mean_beta' is given but 'fedsharp.robust_aggregation' is median; β acts only with trimmed_mean", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_OverHttpWithAnAttackerAndTheMedian_EveryRoundValid()
    {
        string config = Path.Combine(_directory, "attack.yaml");
        await File.WriteAllTextAsync(config, $"""
            fl_name: robust-cli
            fl_iteration_num: 2
            server_mode: FEDERATED_LEARNING
            round:
              start_fl_job_threshold: 5
            client:
              client_epoch_num: 1
              client_learning_rate: 0.05
            fedsharp:
              model: logistic-regression
              robust_aggregation: median
            simulation:
              clients: 5
              dataset: fashion-mnist-subset
              transport: http
              threads: 1
              attackers: 0.2
              attack: sign_flip
              report_dir: '{Path.Combine(_directory, "report")}'
            """);

        ProcessResult result = await FedSharpProcess.RunAsync("simulate", "--config", config, "--json");

        Assert.True(result.ExitCode == 0, result.StandardError);
        JsonElement summary = result.LastJsonLine();
        Assert.Equal(2, summary.GetProperty("valid_rounds").GetInt32());
        Assert.True(summary.GetProperty("final_accuracy").GetDouble() > 0.3, $"the median under one attacker in five reached {summary.GetProperty("final_accuracy").GetDouble():P1}");
    }
}
