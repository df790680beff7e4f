namespace FedSharp.Cli.Tests;

public sealed class BenchCommandTests
{
    [Fact]
    public async Task BenchTrain_Json_LastLineIsPositiveThroughput()
    {
        ProcessResult result = await FedSharpProcess.RunAsync(
            "bench", "train", "--model", "simple-cnn", "--batch-size", "64", "--threads", "1", "--seconds", "1", "--warmup-seconds", "0", "--json");

        Assert.True(result.ExitCode == 0, result.StandardError);
        var summary = result.LastJsonLine();
        Assert.True(summary.GetProperty("samples_per_second").GetDouble() > 0);
        Assert.Equal("simple-cnn", summary.GetProperty("model").GetString());
    }

    [Fact]
    public async Task BenchTrain_NegativeSeconds_ExitsNonZero()
    {
        ProcessResult result = await FedSharpProcess.RunAsync("bench", "train", "--seconds", "-3");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--seconds must be a positive number of seconds", result.StandardError, StringComparison.Ordinal);
    }
}
