using System.Text;
using System.Text.Json;

namespace FedSharp.Server.Metrics;

/// <summary>
/// Appends one JSON object per line for every ended iteration to the metrics file (MindSpore's
/// <c>summary.metrics_file</c>) and, for failed iterations, to the failure-event file
/// (<c>summary.failure_event_file</c>): a line per failure, plus a <c>continuous_failures</c> event each time the
/// failures in a row reach a multiple of <c>continuous_failure_times</c>.
/// </summary>
/// <remarks>
/// Metrics line keys: <c>time</c>, <c>iteration</c>, <c>valid</c>, <c>reason</c>, <c>loss</c>, <c>accuracy</c>
/// (null when no client reported one), <c>participants</c>, <c>duration_ms</c>, <c>bytes_in</c>, <c>bytes_out</c>,
/// <c>participation_time_level1..3</c> (accepted updates that came within each bound of
/// <c>summary.participation_time_level</c> after their client joined; level 3 counts them all).
/// Failure lines: <c>time</c>, <c>event</c> (<c>iteration_failed</c> or <c>continuous_failures</c>),
/// <c>iteration</c>, <c>consecutive_failures</c>, <c>reason</c>. Appends are serialized, so concurrent callers never
/// interleave within a line.
/// </remarks>
public sealed class IterationMetricsWriter
{
    private readonly Lock _gate = new();
    private readonly string _metricsPath;
    private readonly string _failureEventPath;
    private readonly int _continuousFailureTimes;
    private readonly TimeProvider _time;

    /// <summary>Creates a writer; the files are created on first write, their folders then or by <see cref="EnsureDirectories"/>.</summary>
    /// <param name="metricsPath">Path of the metrics file.</param>
    /// <param name="failureEventPath">Path of the failure-event file.</param>
    /// <param name="continuousFailureTimes">Failures in a row that raise a <c>continuous_failures</c> event; 1 or more.</param>
    /// <param name="time">Clock for the <c>time</c> field.</param>
    public IterationMetricsWriter(string metricsPath, string failureEventPath, int continuousFailureTimes, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(metricsPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(failureEventPath);
        ArgumentOutOfRangeException.ThrowIfLessThan(continuousFailureTimes, 1);
        ArgumentNullException.ThrowIfNull(time);
        _metricsPath = metricsPath;
        _failureEventPath = failureEventPath;
        _continuousFailureTimes = continuousFailureTimes;
        _time = time;
    }

    /// <summary>
    /// Creates the folders of both files if they are missing, so a path that cannot hold them (a file in the way, no
    /// permission) stops the server at start-up instead of failing its first iteration's summary.
    /// </summary>
    /// <exception cref="IOException">A folder cannot be created; the message names the file, its key and the fix.</exception>
    public void EnsureDirectories()
    {
        foreach ((string path, string key) in new[] { (_metricsPath, "summary.metrics_file"), (_failureEventPath, "summary.failure_event_file") })
        {
            try
            {
                string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
                if (directory is not null)
                {
                    Directory.CreateDirectory(directory);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"The folder of {key} '{path}' cannot be created ({ex.Message}); set {key} to a path in a folder this user can write.", ex);
            }
        }
    }

    /// <summary>Appends the metrics line of <paramref name="metrics"/> and, when it failed, its failure-event lines.</summary>
    /// <exception cref="IOException">A file could not be appended to; the message names it.</exception>
    public void Write(IterationMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        string time = _time.GetUtcNow().ToString("O");
        string metricsLine = Line(writer =>
        {
            writer.WriteString("time", time);
            writer.WriteNumber("iteration", metrics.Iteration);
            writer.WriteBoolean("valid", metrics.Valid);
            writer.WriteString("reason", metrics.Reason);
            WriteNullable(writer, "loss", metrics.Loss);
            WriteNullable(writer, "accuracy", metrics.Accuracy);
            writer.WriteNumber("participants", metrics.Participants);
            writer.WriteNumber("duration_ms", (long)metrics.Duration.TotalMilliseconds);
            writer.WriteNumber("bytes_in", metrics.BytesIn);
            writer.WriteNumber("bytes_out", metrics.BytesOut);
            writer.WriteNumber("participation_time_level1", metrics.ParticipationTimeLevel1);
            writer.WriteNumber("participation_time_level2", metrics.ParticipationTimeLevel2);
            writer.WriteNumber("participation_time_level3", metrics.ParticipationTimeLevel3);
        });

        var failureLines = new StringBuilder();
        if (!metrics.Valid)
        {
            failureLines.Append(FailureLine(time, "iteration_failed", metrics));
            if (metrics.ConsecutiveFailures > 0 && metrics.ConsecutiveFailures % _continuousFailureTimes == 0)
            {
                failureLines.Append(FailureLine(time, "continuous_failures", metrics));
            }
        }

        lock (_gate)
        {
            Append(_metricsPath, metricsLine, metrics.Iteration);
            if (failureLines.Length > 0)
            {
                Append(_failureEventPath, failureLines.ToString(), metrics.Iteration);
            }
        }
    }

    private static string FailureLine(string time, string kind, IterationMetrics metrics) => Line(writer =>
    {
        writer.WriteString("time", time);
        writer.WriteString("event", kind);
        writer.WriteNumber("iteration", metrics.Iteration);
        writer.WriteNumber("consecutive_failures", metrics.ConsecutiveFailures);
        writer.WriteString(
            "reason",
            kind == "continuous_failures" ? $"Iteration failed {metrics.ConsecutiveFailures} times continuously; last: {metrics.Reason}" : metrics.Reason);
    });

    private static string Line(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length) + "\n";
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void Append(string path, string text, int iteration)
    {
        try
        {
            string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (directory is not null)
            {
                Directory.CreateDirectory(directory);
            }

            File.AppendAllText(path, text);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Appending the summary of iteration {iteration} to '{path}' failed; check that the file's directory is writable.", ex);
        }
    }
}
