namespace FedSharp.Server.Rounds;

/// <summary>What one read of the round store gives a request: the scalar state and the asking client's registration.</summary>
/// <param name="State">The instance's state.</param>
/// <param name="Registration">The client's registration in <see cref="RoundState.Iteration"/> of <paramref name="State"/>, or null when it has none.</param>
public sealed record RoundSnapshot(RoundState State, ClientRegistration? Registration);
