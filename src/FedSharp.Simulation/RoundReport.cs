namespace FedSharp.Simulation;

/// <summary>One round of a simulation as the report, the chart and the command line's JSON Lines show it.</summary>
/// <param name="Round">The server's iteration number, from 1.</param>
/// <param name="Valid">True when the iteration produced a new global model; false when the previous one was kept.</param>
/// <param name="Accuracy">Accuracy of the global model after the round on the whole test set, in [0, 1].</param>
/// <param name="Loss">Mean softmax cross-entropy of that model on the test set.</param>
/// <param name="Participants">Client updates the server aggregated in the round; 0 for a failed round.</param>
/// <param name="Seconds">Wall time of the round, from the end of the previous one (or the start) to its end.</param>
/// <param name="ElapsedSeconds">Wall time from the start of the simulation to the end of the round.</param>
/// <param name="Reason">Why the server ended the round, as getResult reports it; empty when it was valid.</param>
public sealed record RoundReport(
    int Round,
    bool Valid,
    double Accuracy,
    double Loss,
    int Participants,
    double Seconds,
    double ElapsedSeconds,
    string Reason);
