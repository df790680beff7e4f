namespace FedSharp.Server.Rounds;

/// <summary>Aggregating <paramref name="Iteration"/> failed; the iteration ends invalid and keeps the previous model.</summary>
/// <param name="Iteration">The iteration whose aggregation failed.</param>
/// <param name="Reason">What went wrong.</param>
public sealed record AggregationFailed(int Iteration, string Reason) : RoundEvent;
