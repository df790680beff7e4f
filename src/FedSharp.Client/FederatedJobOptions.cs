namespace FedSharp.Client;

/// <summary>
/// Settings of one client's <see cref="FederatedJob"/> (MindSpore's <c>FLParameter</c>). Intervals are waits on the
/// job's <see cref="TimeProvider"/>.
/// </summary>
public sealed class FederatedJobOptions
{
    /// <summary>The job name (<c>fl_name</c>); must equal the server's. Required.</summary>
    public string FlName { get; set; } = string.Empty;

    /// <summary>This client's id (<c>fl_id</c>), stable for the whole job and unique among clients. Required.</summary>
    public string ClientId { get; set; } = string.Empty;

    /// <summary>
    /// Iterations this client takes part in before <see cref="FederatedJob.RunAsync"/> returns, counting those it
    /// trained for and saw decided; null (default) runs until the server's <c>FLPlan.iterations</c> are done. 1 or more.
    /// </summary>
    public int? MaxIterations { get; set; }

    /// <summary>
    /// Wait before retrying when the server names no time or a time already past: after OUT_OF_TIME, safe mode
    /// without Retry-After, and (doubling, capped by <see cref="MaxSingleWait"/>) after a server could not be reached
    /// or answered SYSTEM_ERROR. Range 1 ms to 1 hour; default 1 s.
    /// </summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Wait between NOT_READY polls (getResult, getModel, startFLJob under random sampling) when the reply names no
    /// future <c>next_req_time_ms</c>. Range 1 ms to 1 hour; default 1 s.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Cap on any single wait, however far the server's <c>next_req_time_ms</c> lies. Range 1 ms to 1 day; default 30 min (MindSpore's).</summary>
    public TimeSpan MaxSingleWait { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long <see cref="FederatedJob.RunAsync"/> may run in all; a wait that would end after it stops the run with
    /// <see cref="FederatedJobStopReason.DeadlineReached"/>. Null (default) for no limit; otherwise at least 1 ms.
    /// </summary>
    public TimeSpan? MaxRunTime { get; set; }

    /// <summary>
    /// Retries before the job gives up with a <see cref="FederatedJobException"/>: of a request that reaches no
    /// server, and of consecutive SYSTEM_ERROR replies (any other reply resets that count). Each retry waits
    /// <see cref="RetryInterval"/>, doubling, capped by <see cref="MaxSingleWait"/>. Range 0 to 1000 (0 stops at the
    /// first fault); default 5.
    /// </summary>
    public int MaxTransportRetries { get; set; } = 5;

    /// <summary>
    /// Evaluate every received global model on the trainer's evaluation data before training, and upload its accuracy
    /// (<c>upload_accuracy</c>). Default true; without evaluation data nothing is evaluated and no accuracy is uploaded.
    /// </summary>
    public bool EvaluateGlobalModel { get; set; } = true;

    /// <summary>
    /// Download the newest global model into the trainer when the run ends, so that <see cref="FederatedJob.EvaluateAsync"/>
    /// and <see cref="FederatedJob.InferAsync"/> use the federation's model rather than the last local one. Default true.
    /// </summary>
    public bool DownloadFinalModel { get; set; } = true;

    /// <summary>Hooks that rewrite each trained update before upload (clip, noise, compress, mask), in order. Default none.</summary>
    public IReadOnlyList<IUpdateHook> UpdateHooks { get; set; } = [];

    /// <summary>
    /// Where local training and evaluation run (and <see cref="FederatedJob.EvaluateAsync"/> and
    /// <see cref="FederatedJob.InferAsync"/>). The job's own awaits never return to the caller's synchronization
    /// context, so on MAUI or Unity neither the protocol exchange nor training runs on the UI thread. Default
    /// <see cref="TaskScheduler.Default"/> (the thread pool); a simulation passes its few training threads, so no more
    /// trainings run at once than it has threads. Required.
    /// </summary>
    public TaskScheduler TrainingScheduler { get; set; } = TaskScheduler.Default;

    /// <summary>Throws, naming the option, its value and the valid range, when a value is out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(FlName))
        {
            throw new ArgumentException("FederatedJobOptions.FlName is empty; set it to the server's fl_name.", nameof(FlName));
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            throw new ArgumentException($"FederatedJobOptions.ClientId is empty for job '{FlName}'; give every client a stable unique id (a random UUID will do).", nameof(ClientId));
        }

        if (MaxIterations is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxIterations), MaxIterations, "FederatedJobOptions.MaxIterations must be 1 or more, or null to follow the server's plan.");
        }

        CheckRange(nameof(RetryInterval), RetryInterval, TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1));
        CheckRange(nameof(PollInterval), PollInterval, TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1));
        CheckRange(nameof(MaxSingleWait), MaxSingleWait, TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1));
        if (MaxRunTime is { } limit && limit < TimeSpan.FromMilliseconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRunTime), limit, "FederatedJobOptions.MaxRunTime must be at least 1 ms, or null for no limit.");
        }

        if (TrainingScheduler is null)
        {
            throw new ArgumentNullException(nameof(TrainingScheduler), "FederatedJobOptions.TrainingScheduler is null; leave it at TaskScheduler.Default unless training must run on threads of your own.");
        }

        if (MaxTransportRetries is < 0 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTransportRetries), MaxTransportRetries, "FederatedJobOptions.MaxTransportRetries must lie between 0 and 1000.");
        }
    }

    internal FederatedJobOptions Copy() => (FederatedJobOptions)MemberwiseClone();

    private static void CheckRange(string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"FederatedJobOptions.{name} must lie between {min} and {max}.");
        }
    }
}
