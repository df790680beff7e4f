namespace FedSharp.Server.Rounds;

/// <summary>The last iteration ended; no more timers are needed.</summary>
/// <param name="LastIteration">The last iteration.</param>
public sealed record InstanceFinished(int LastIteration) : RoundEffect;
