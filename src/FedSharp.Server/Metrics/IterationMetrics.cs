namespace FedSharp.Server.Metrics;

/// <summary>One iteration's line in the metrics file.</summary>
/// <param name="Iteration">The iteration.</param>
/// <param name="Valid">True when it produced a new global model.</param>
/// <param name="Reason">Why it ended.</param>
/// <param name="Loss">Data-size-weighted mean of the training losses clients reported, or null.</param>
/// <param name="Accuracy">Data-size-weighted mean of the accuracies clients reported, or null.</param>
/// <param name="Participants">Updates in the sum when it ended.</param>
/// <param name="Duration">Wall time from opening to end.</param>
/// <param name="BytesIn">Tensor payload bytes received in accepted updates (4 per float32, no protocol framing).</param>
/// <param name="BytesOut">Tensor payload bytes of the models handed out by startFLJob and getModel.</param>
/// <param name="ConsecutiveFailures">Failed iterations in a row including this one; 0 when it was valid.</param>
/// <param name="ParticipationTimeLevel1">Accepted updates that came less than <c>summary.participation_time_level</c>'s first bound after their client's startFLJob.</param>
/// <param name="ParticipationTimeLevel2">Accepted updates that came less than its second bound after (level 1's included).</param>
/// <param name="ParticipationTimeLevel3">Every accepted update that this server added (MindSpore's cumulative level 3).</param>
public sealed record IterationMetrics(
    int Iteration,
    bool Valid,
    string Reason,
    double? Loss,
    double? Accuracy,
    int Participants,
    TimeSpan Duration,
    long BytesIn,
    long BytesOut,
    int ConsecutiveFailures,
    int ParticipationTimeLevel1 = 0,
    int ParticipationTimeLevel2 = 0,
    int ParticipationTimeLevel3 = 0);
