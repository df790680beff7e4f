namespace FedSharp.Server.Rounds;

/// <summary>The iteration ended valid with a published model: record metrics, discard its running sum.</summary>
/// <param name="Outcome">How it ended.</param>
public sealed record CompleteIteration(IterationOutcome Outcome) : RoundEffect;
