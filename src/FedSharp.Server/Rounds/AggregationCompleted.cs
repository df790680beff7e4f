namespace FedSharp.Server.Rounds;

/// <summary>The new global model of <paramref name="Iteration"/> is published; the iteration ends valid.</summary>
/// <param name="Iteration">The aggregated iteration.</param>
public sealed record AggregationCompleted(int Iteration) : RoundEvent;
