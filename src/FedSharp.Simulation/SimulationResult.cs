namespace FedSharp.Simulation;

/// <summary>Everything a simulation measured: one report per round, in order, and the summary.</summary>
/// <param name="Rounds">One entry per round the server ran, in round order.</param>
/// <param name="Summary">Final and best accuracy, counts and times.</param>
public sealed record SimulationResult(IReadOnlyList<RoundReport> Rounds, SimulationSummary Summary);
