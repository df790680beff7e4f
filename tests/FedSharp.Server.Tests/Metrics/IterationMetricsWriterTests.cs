using System.Text.Json;
using FedSharp.Server.Metrics;
using FedSharp.Testing;

namespace FedSharp.Server.Tests.Metrics;

public sealed class IterationMetricsWriterTests : IDisposable
{
    private readonly TemporaryDirectory _root = new();
    private readonly ManualTimeProvider _time = new();

    public void Dispose() => _root.Dispose();

    private string MetricsPath => Path.Combine(_root.Path, "out", "metrics.json");

    private string EventsPath => Path.Combine(_root.Path, "out", "event.txt");

    private static IterationMetrics Failed(int iteration, int consecutive)
        => new(iteration, false, $"window closed in {iteration}", null, null, 0, TimeSpan.FromMilliseconds(1500), 0, 0, consecutive);

    [Fact]
    public void Write_ValidIteration_OneJsonLineWithEveryField()
    {
        var writer = new IterationMetricsWriter(MetricsPath, EventsPath, 10, _time);

        writer.Write(new IterationMetrics(3, true, "aggregated", 0.25, 0.75, 4, TimeSpan.FromMilliseconds(1234.9), 960, 480, 0));

        string line = Assert.Single(File.ReadAllLines(MetricsPath));
        using JsonDocument json = JsonDocument.Parse(line);
        JsonElement root = json.RootElement;
        Assert.Equal(_time.GetUtcNow(), root.GetProperty("time").GetDateTimeOffset());
        Assert.Equal(3, root.GetProperty("iteration").GetInt32());
        Assert.True(root.GetProperty("valid").GetBoolean());
        Assert.Equal("aggregated", root.GetProperty("reason").GetString());
        Assert.Equal(0.25, root.GetProperty("loss").GetDouble());
        Assert.Equal(0.75, root.GetProperty("accuracy").GetDouble());
        Assert.Equal(4, root.GetProperty("participants").GetInt32());
        Assert.Equal(1234, root.GetProperty("duration_ms").GetInt64());
        Assert.Equal(960, root.GetProperty("bytes_in").GetInt64());
        Assert.Equal(480, root.GetProperty("bytes_out").GetInt64());
        Assert.False(File.Exists(EventsPath));
    }

    [Fact]
    public void Write_FailedIterationWithoutReports_LossAndAccuracyNullAndFailureLine()
    {
        var writer = new IterationMetricsWriter(MetricsPath, EventsPath, 10, _time);

        writer.Write(Failed(1, 1));

        using JsonDocument metrics = JsonDocument.Parse(Assert.Single(File.ReadAllLines(MetricsPath)));
        Assert.Equal(JsonValueKind.Null, metrics.RootElement.GetProperty("loss").ValueKind);
        Assert.Equal(JsonValueKind.Null, metrics.RootElement.GetProperty("accuracy").ValueKind);
        using JsonDocument failure = JsonDocument.Parse(Assert.Single(File.ReadAllLines(EventsPath)));
        Assert.Equal("iteration_failed", failure.RootElement.GetProperty("event").GetString());
        Assert.Equal("window closed in 1", failure.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public void Write_ContinuousFailuresReachThreshold_RaisesEventEachMultiple()
    {
        var writer = new IterationMetricsWriter(MetricsPath, EventsPath, 2, _time);

        for (int i = 1; i <= 5; i++)
        {
            writer.Write(Failed(i, i));
        }

        string[] events = [.. File.ReadAllLines(EventsPath).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("event").GetString()!)];
        Assert.Equal(
            ["iteration_failed", "iteration_failed", "continuous_failures", "iteration_failed", "iteration_failed", "continuous_failures", "iteration_failed"],
            events);
        Assert.Equal(5, File.ReadAllLines(MetricsPath).Length);
    }

    [Fact]
    public void Write_ConcurrentCallers_EveryLineIntact()
    {
        var writer = new IterationMetricsWriter(MetricsPath, EventsPath, 1000, _time);

        Parallel.For(1, 101, i => writer.Write(Failed(i, 1)));

        string[] lines = File.ReadAllLines(MetricsPath);
        Assert.Equal(100, lines.Length);
        Assert.Equal(Enumerable.Range(1, 100), lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("iteration").GetInt32()).Order());
    }
}
