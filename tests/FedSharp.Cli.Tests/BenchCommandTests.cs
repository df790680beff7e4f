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

    [Fact]
    public async Task BenchGemm_Json_ReportsThroughputAndPeakWithTheActivePath()
    {
        ProcessResult result = await FedSharpProcess.RunAsync("bench", "gemm", "--size", "64", "--seconds", "0.3", "--json");

        Assert.True(result.ExitCode == 0, result.StandardError);
        var summary = result.LastJsonLine();
        Assert.Equal(64, summary.GetProperty("size").GetInt32());
        Assert.True(summary.GetProperty("gemm_gflops").GetDouble() > 0);
        Assert.True(summary.GetProperty("peak_gflops").GetDouble() > 0);
        Assert.Contains(summary.GetProperty("vector_path").GetString(), new[] { "Vector512", "Vector256", "Scalar" });
    }
}
