namespace FedSharp.Core.Configuration;

/// <summary>The <c>summary</c> section: per-iteration metrics and failure events.</summary>
public sealed class SummarySection
{
    /// <summary><c>summary.metrics_file</c>: JSON Lines file receiving one object per iteration. Default <c>metrics.json</c>.</summary>
    public string MetricsFile { get; set; } = "metrics.json";

    /// <summary><c>summary.failure_event_file</c>: file receiving a line when iterations keep failing. Default <c>event.txt</c>.</summary>
    public string FailureEventFile { get; set; } = "event.txt";

    /// <summary><c>summary.continuous_failure_times</c>: consecutive failed iterations that write a failure event, ≥ 1. Default 10.</summary>
    public int ContinuousFailureTimes { get; set; } = 10;

    /// <summary><c>summary.data_rate_dir</c>: directory for per-server traffic logs; empty turns them off. Default empty.</summary>
    public string DataRateDir { get; set; } = string.Empty;

    /// <summary>
    /// First bucket of <c>summary.participation_time_level</c> ("5,15" in minutes): updates arriving sooner than this
    /// after the client's startFLJob. In (0, 2880] minutes, below <see cref="ParticipationTimeLevel2"/>. Default 5 min.
    /// </summary>
    public TimeSpan ParticipationTimeLevel1 { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Second bucket of <c>summary.participation_time_level</c>, in (0, 2880] minutes. Default 15 min.</summary>
    public TimeSpan ParticipationTimeLevel2 { get; set; } = TimeSpan.FromMinutes(15);
}
