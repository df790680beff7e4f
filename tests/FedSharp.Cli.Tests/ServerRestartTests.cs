using System.Text.Json;

namespace FedSharp.Cli.Tests;

/// <summary>
/// Disaster recovery end to end: a `fedsharp server` process is killed with SIGKILL in the middle of a job while two
/// `fedsharp client` processes train against it; a new server process on the same address resumes from the newest
/// checkpoint and the devices finish the job without being restarted.
/// </summary>
public sealed class ServerRestartTests : IDisposable
{
    private const int Iterations = 12;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
    private readonly string _directory = Directory.CreateTempSubdirectory("fedsharp-restart-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Server_KilledMidJob_RestartResumesFromNewestCheckpointAndDevicesFinish()
    {
        string address = $"127.0.0.1:{FedSharpProcess.FreeLoopbackPort()}";
        string config = Path.Combine(FedSharpProcess.RepositoryRoot(), "examples", "loopback", "fashion-mnist.yaml");
        string[] job = ["--config", config, "--set", "round.start_fl_job_threshold=2", "--set", $"fl_iteration_num={Iterations}"];
        string[] server = ["server", .. job, "--http", address, "--json"];

        using var before = RunningFedSharp.Start("the first server", _directory, server);
        JsonElement listening = await before.WaitForLineAsync(IsListening, Patience);
        Assert.True(listening.GetProperty("resumed_from_iteration").ValueKind == JsonValueKind.Null, "a fresh directory has no checkpoint to resume from");
        using RunningFedSharp device0 = StartDevice(job, address, 0);
        using RunningFedSharp device1 = StartDevice(job, address, 1);

        await before.WaitForLineAsync(line => IterationLine(line) >= 3, Patience);
        await before.KillAsync();
        Assert.Equal(128 + 9, before.ExitCode);

        using var after = RunningFedSharp.Start("the restarted server", _directory, server);
        JsonElement resumed = await after.WaitForLineAsync(IsListening, Patience);
        int checkpoint = resumed.GetProperty("resumed_from_iteration").GetInt32();
        Assert.InRange(checkpoint, 3, Iterations - 1);
        Assert.Equal(checkpoint + 1, resumed.GetProperty("iteration").GetInt32());

        foreach (RunningFedSharp device in new[] { device0, device1 })
        {
            await device.WaitForExitAsync(Patience);
            Assert.True(device.ExitCode == 0, device.StandardError);
            JsonElement summary = JsonDocument.Parse(device.StandardOutput.Trim().Split('\n')[^1]).RootElement;
            Assert.Equal("PlanCompleted", summary.GetProperty("stop_reason").GetString());
            Assert.Equal(Iterations, summary.GetProperty("final_model_iteration").GetInt32());
        }

        await after.TerminateAsync(TimeSpan.FromSeconds(30));
        Assert.True(after.ExitCode == 0, after.StandardError);
        // The restarted server ran only the iterations after its checkpoint, each valid: none was redone from scratch.
        int[] rerun = [.. after.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(line => IterationLine(line) > 0 && line.GetProperty("valid").GetBoolean())
            .Select(IterationLine)];
        Assert.Equal(Enumerable.Range(checkpoint + 1, Iterations - checkpoint), rerun);
        // Between them, the two servers' metrics file holds every iteration of the job as valid.
        int[] valid = [.. File.ReadAllLines(Path.Combine(_directory, "out", "metrics.json"))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(line => line.GetProperty("valid").GetBoolean())
            .Select(line => line.GetProperty("iteration").GetInt32())
            .Distinct()
            .Order()];
        Assert.Equal(Enumerable.Range(1, Iterations), valid);
        Assert.Contains($"iteration-{Iterations}.ckpt", Directory.GetFiles(Path.Combine(_directory, "out", "checkpoints"), "*.ckpt", SearchOption.AllDirectories).Select(Path.GetFileName));
    }

    private RunningFedSharp StartDevice(string[] job, string address, int index) => RunningFedSharp.Start(
        $"device {index}",
        _directory,
        ["client", .. job, "--server-urls", $"http://{address}/", "--dataset", "fashion-mnist-subset", "--partition", "iid",
         "--client-index", index.ToString(System.Globalization.CultureInfo.InvariantCulture), "--clients", "2", "--json"]);

    private static bool IsListening(JsonElement line)
        => line.TryGetProperty("event", out JsonElement name) && name.GetString() == "listening";

    /// <summary>The iteration of a server's per-iteration line, or 0 for any other line.</summary>
    private static int IterationLine(JsonElement line)
        => !line.TryGetProperty("event", out _) && line.TryGetProperty("iteration", out JsonElement iteration) && line.TryGetProperty("valid", out _)
            ? iteration.GetInt32()
            : 0;
}
