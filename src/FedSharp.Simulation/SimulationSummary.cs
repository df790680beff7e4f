namespace FedSharp.Simulation;

/// <summary>The outcome of a whole simulation: what <c>summary.json</c> holds and the command line prints last.</summary>
/// <param name="FinalAccuracy">Test accuracy of the global model after the last round, in [0, 1].</param>
/// <param name="BestAccuracy">Highest test accuracy after any round (Flower's NIID-Bench metric), in [0, 1].</param>
/// <param name="Rounds">Rounds the server ran, failed ones included.</param>
/// <param name="ValidRounds">Rounds that produced a new global model.</param>
/// <param name="Seconds">Wall time of the whole simulation, data loading excluded.</param>
/// <param name="LocalTrainingSeconds">Sum over every client and round of the wall time of local training alone.</param>
/// <param name="Threads">Clients trained at once.</param>
/// <param name="Clients">Virtual clients.</param>
/// <param name="ModelInstances">Model instances (with their layer buffers) built for training and evaluation; at most <see cref="Threads"/>.</param>
public sealed record SimulationSummary(
    double FinalAccuracy,
    double BestAccuracy,
    int Rounds,
    int ValidRounds,
    double Seconds,
    double LocalTrainingSeconds,
    int Threads,
    int Clients,
    int ModelInstances)
{
    /// <summary>
    /// <see cref="Seconds"/> ÷ (<see cref="LocalTrainingSeconds"/> ÷ <see cref="Threads"/>): how much longer the
    /// simulation took than perfectly parallel local training alone would have; 1 means no framework overhead.
    /// 0 when no training time was recorded.
    /// </summary>
    public double OverheadRatio => LocalTrainingSeconds > 0 ? Seconds / (LocalTrainingSeconds / Threads) : 0;
}
