namespace FedSharp.Client;

/// <summary>The outcome of <see cref="FederatedJob.RunAsync"/>.</summary>
/// <param name="StopReason">Why the run ended.</param>
/// <param name="IterationsJoined">Iterations the client trained for and saw decided.</param>
/// <param name="Iterations">Every attempt, in order, including refusals.</param>
/// <param name="FinalModelIteration">
/// The iteration that produced the global model the trainer holds at the end (0 = the initial model); null when it
/// holds locally trained weights instead (<see cref="FederatedJobOptions.DownloadFinalModel"/> off, or the deadline hit).
/// </param>
public sealed record FederatedJobResult(
    FederatedJobStopReason StopReason,
    int IterationsJoined,
    IReadOnlyList<IterationReport> Iterations,
    int? FinalModelIteration);
