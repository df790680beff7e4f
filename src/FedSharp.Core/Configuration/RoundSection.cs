namespace FedSharp.Core.Configuration;

/// <summary>The <c>round</c> section: thresholds and time windows of one iteration.</summary>
public sealed class RoundSection
{
    /// <summary>
    /// <c>round.start_fl_job_threshold</c>: clients accepted by startFLJob per iteration (T_start), in
    /// [1, 2147483647]. Required.
    /// </summary>
    public int StartFlJobThreshold { get; set; }

    /// <summary><c>round.start_fl_job_time_window</c>: how long the startFLJob round stays open, ≥ 1 ms. Default 300000 ms.</summary>
    public TimeSpan StartFlJobTimeWindow { get; set; } = TimeSpan.FromMilliseconds(300_000);

    /// <summary>
    /// <c>round.update_model_ratio</c>: share of accepted clients whose update completes the iteration, in (0, 1].
    /// Default 1.
    /// </summary>
    public double UpdateModelRatio { get; set; } = 1.0;

    /// <summary><c>round.update_model_time_window</c>: how long the updateModel round stays open, ≥ 1 ms. Default 300000 ms.</summary>
    public TimeSpan UpdateModelTimeWindow { get; set; } = TimeSpan.FromMilliseconds(300_000);

    /// <summary><c>round.global_iteration_time_window</c>: limit on a whole iteration, ≥ 1 ms. Default 3600000 ms.</summary>
    public TimeSpan GlobalIterationTimeWindow { get; set; } = TimeSpan.FromMilliseconds(3_600_000);

    /// <summary>T_update = ceil(T_start × update_model_ratio): updates that complete an iteration.</summary>
    public int UpdateModelThreshold => (int)Math.Ceiling(StartFlJobThreshold * UpdateModelRatio);
}
