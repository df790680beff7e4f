namespace FedSharp.Server.Rounds;

/// <summary>
/// Turn the running sum of <paramref name="Iteration"/> into the next global model through the strategy, checkpoint
/// and publish it, then apply <see cref="AggregationCompleted"/> (or <see cref="AggregationFailed"/>).
/// </summary>
/// <param name="Iteration">The iteration to aggregate.</param>
public sealed record AggregateAndPublish(int Iteration) : RoundEffect;
