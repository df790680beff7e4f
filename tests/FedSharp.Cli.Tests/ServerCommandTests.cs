using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace FedSharp.Cli.Tests;

/// <summary>`fedsharp server` as an operator meets it: its JSON Lines, its stop on SIGTERM and its start-up errors.</summary>
public sealed class ServerCommandTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
    private readonly string _directory = Directory.CreateTempSubdirectory("fedsharp-server-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Server_SigtermRightAfterLastIteration_ReportsEveryIterationAndFinishedWithLogsOnStderr()
    {
        string config = await WriteJobAsync(iterations: 3);
        // FEDSHARP_DEBUG=1 makes Kestrel and the host log at Debug level, so there are log lines to misplace.
        var debug = new Dictionary<string, string> { ["FEDSHARP_DEBUG"] = "1" };
        using var server = RunningFedSharp.Start("the server", _directory, debug, "server", "--config", config, "--http", "127.0.0.1:0", "--json");
        JsonElement listening = await server.WaitForLineAsync(line => line.TryGetProperty("event", out _), Patience);
        string url = listening.GetProperty("urls")[0].GetString()!;
        using (var device = RunningFedSharp.Start(
            "the device", _directory, "client", "--config", config, "--server-urls", url, "--dataset", "fashion-mnist-subset",
            "--client-index", "0", "--clients", "1", "--json"))
        {
            await device.WaitForExitAsync(Patience);
            Assert.True(device.ExitCode == 0, device.StandardError);
        }

        // The device has the last iteration's result, so the instance has finished; stop the server at once.
        await server.TerminateAsync(TimeSpan.FromSeconds(30));

        Assert.True(server.ExitCode == 0, server.StandardError);
        JsonElement[] lines = [.. server.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement)];
        Assert.Equal([1, 2, 3], lines.Skip(1).SkipLast(1).Select(line => line.GetProperty("iteration").GetInt32()));
        JsonElement summary = lines[^1];
        Assert.Equal("Finished", summary.GetProperty("status").GetString());
        Assert.Equal(3, summary.GetProperty("iterations").GetInt32());
        Assert.Equal(3, summary.GetProperty("valid_iterations").GetInt32());
        Assert.Contains("Serving job 'server-test'", server.StandardError, StringComparison.Ordinal);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(_directory, "out", "metrics.json")).Length);
    }

    [Fact]
    public async Task Server_AddressInUse_OneLineNamingTheAddressAndHowToChooseAnother()
    {
        string config = await WriteJobAsync(iterations: 1);
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        string address = $"127.0.0.1:{((IPEndPoint)occupant.LocalEndpoint).Port}";

        ProcessResult result = await FedSharpProcess.RunAsync("server", "--config", config, "--http", address);

        Assert.Equal(1, result.ExitCode);
        AssertOneLine(result.StandardError);
        Assert.Contains(address, result.StandardError, StringComparison.Ordinal);
        Assert.Contains("address already in use", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("--http HOST:PORT", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_AddressInUseWithDebug_AddsTheStackTrace()
    {
        string config = await WriteJobAsync(iterations: 1);
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();

        ProcessResult result = await FedSharpProcess.RunAsync(
            new Dictionary<string, string?> { ["FEDSHARP_DEBUG"] = "1" },
            "server", "--config", config, "--http", $"127.0.0.1:{((IPEndPoint)occupant.LocalEndpoint).Port}");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("fedsharp: Cannot listen on ", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("   at ", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_CheckpointFolderBlockedByAFile_OneLineNamingTheFolderAndTheKey()
    {
        string config = await WriteJobAsync(iterations: 1);
        string blocker = Path.Combine(_directory, "not-a-folder");
        await File.WriteAllTextAsync(blocker, "a file where the checkpoint folder should be");

        ProcessResult result = await FedSharpProcess.RunAsync("server", "--config", config, "--http", "127.0.0.1:0", "--set", $"fedsharp.checkpoint_dir={blocker}");

        Assert.Equal(1, result.ExitCode);
        AssertOneLine(result.StandardError);
        Assert.Contains(Path.Combine(blocker, "server-test"), result.StandardError, StringComparison.Ordinal);
        Assert.Contains("fedsharp.checkpoint_dir", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_AddressOfAnotherMachine_OneLineNamingTheAddress()
    {
        string config = await WriteJobAsync(iterations: 1);

        // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine.
        ProcessResult result = await FedSharpProcess.RunAsync("server", "--config", config, "--http", "192.0.2.1:6666");

        Assert.Equal(1, result.ExitCode);
        AssertOneLine(result.StandardError);
        Assert.Contains("Cannot listen on 192.0.2.1:6666", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("an address of this machine", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_MetricsFileUnderAFile_OneLineNamingTheKey()
    {
        string config = await WriteJobAsync(iterations: 1);
        string blocker = Path.Combine(_directory, "plain-file");
        await File.WriteAllTextAsync(blocker, "not a folder");

        ProcessResult result = await FedSharpProcess.RunAsync(
            "server", "--config", config, "--http", "127.0.0.1:0", "--set", $"summary.metrics_file={Path.Combine(blocker, "metrics.json")}");

        Assert.Equal(1, result.ExitCode);
        AssertOneLine(result.StandardError);
        Assert.Contains("summary.metrics_file", result.StandardError, StringComparison.Ordinal);
        Assert.Contains(blocker, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_CertificateThatDoesNotLoad_OneLineNamingTheFileAndTheFormats()
    {
        string config = await WriteJobAsync(iterations: 1);
        string certificate = Path.Combine(_directory, "server.pfx");
        await File.WriteAllTextAsync(certificate, "not a certificate");

        ProcessResult result = await FedSharpProcess.RunAsync("server", "--config", config, "--http", "127.0.0.1:0", "--cert", certificate);

        Assert.Equal(1, result.ExitCode);
        AssertOneLine(result.StandardError);
        Assert.Contains(certificate, result.StandardError, StringComparison.Ordinal);
        Assert.Contains("--cert-key", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_DataDirThatDoesNotExist_FailsNamingItInsteadOfUsingAnotherCopy()
    {
        string missing = Path.Combine(_directory, "no-such-folder");

        ProcessResult result = await FedSharpProcess.RunAsync("train", "--dataset", "fashion-mnist", "--data-dir", missing, "--epochs", "1");

        Assert.Equal(1, result.ExitCode);
        AssertOneLine(result.StandardError);
        Assert.Contains($"'{missing}'", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("does not exist", result.StandardError, StringComparison.Ordinal);
    }

    private static void AssertOneLine(string standardError)
    {
        string[] lines = standardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"Expected one line on stderr, got {lines.Length}:\n{standardError}");
        Assert.StartsWith("fedsharp: ", lines[0], StringComparison.Ordinal);
    }

    private async Task<string> WriteJobAsync(int iterations)
    {
        string path = Path.Combine(_directory, "job.yaml");
        await File.WriteAllTextAsync(path, $"""
            fl_name: server-test
            fl_iteration_num: {iterations}
            server_mode: FEDERATED_LEARNING
            round:
              start_fl_job_threshold: 1
              start_fl_job_time_window: 60000
              update_model_ratio: 1.0
              update_model_time_window: 60000
            summary:
              metrics_file: "out/metrics.json"
              failure_event_file: "out/event.txt"
            client:
              client_epoch_num: 1
              client_batch_size: 32
              client_learning_rate: 0.01
            fedsharp:
              model: logistic-regression
              checkpoint_dir: "out/checkpoints"
            """);
        return path;
    }
}
