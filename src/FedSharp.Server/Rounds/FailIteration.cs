namespace FedSharp.Server.Rounds;

/// <summary>The iteration ended invalid and keeps the previous model: record metrics, discard its running sum.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="ConsecutiveFailures">Failed iterations in a row including this one.</param>
public sealed record FailIteration(IterationOutcome Outcome, int ConsecutiveFailures) : RoundEffect;
