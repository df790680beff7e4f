namespace FedSharp.Server.Rounds;

/// <summary>What applying one event produced.</summary>
/// <param name="State">The next state; the same instance as the input when nothing changed (then no registration is written either).</param>
/// <param name="Registrations">
/// Registrations to write with <paramref name="State"/>, in order (a later one for the same client wins); those of an
/// iteration older than <paramref name="State"/>'s are void, because that iteration ended within this transition.
/// </param>
/// <param name="Effects">Work for the coordinator, in order.</param>
/// <param name="Reply">The answer to a client request; null for internal events.</param>
public sealed record RoundTransition(RoundState State, IReadOnlyList<ClientRegistration> Registrations, IReadOnlyList<RoundEffect> Effects, RoundReply? Reply);
