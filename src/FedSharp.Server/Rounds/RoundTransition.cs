namespace FedSharp.Server.Rounds;

/// <summary>What applying one event produced.</summary>
/// <param name="State">The next state; the same instance as the input when nothing changed.</param>
/// <param name="Effects">Work for the coordinator, in order.</param>
/// <param name="Reply">The answer to a client request; null for internal events.</param>
public sealed record RoundTransition(RoundState State, IReadOnlyList<RoundEffect> Effects, RoundReply? Reply);
