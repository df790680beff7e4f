namespace FedSharp.Server.Rounds;

/// <summary>How an iteration ended; what getResult reports and the metrics file records.</summary>
/// <param name="Iteration">The iteration number.</param>
/// <param name="Valid">True when it produced a new global model; false when the previous model was kept.</param>
/// <param name="Reason">Why it ended, readable, naming thresholds, counts and deadlines.</param>
/// <param name="OpenedAt">When it opened.</param>
/// <param name="ClosedAt">When it ended.</param>
/// <param name="Participants">Updates in the running sum when it ended; 0 when not known (an outcome restored from a checkpoint).</param>
public sealed record IterationOutcome(int Iteration, bool Valid, string Reason, DateTimeOffset OpenedAt, DateTimeOffset ClosedAt, int Participants)
{
    /// <summary>Wall time from opening to end.</summary>
    public TimeSpan Duration => ClosedAt - OpenedAt;
}
