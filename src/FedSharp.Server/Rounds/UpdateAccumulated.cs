namespace FedSharp.Server.Rounds;

/// <summary>An accepted update is now in the running sum; only now does it count toward the updateModel threshold.</summary>
/// <param name="ClientId">The client whose update was added.</param>
/// <param name="Iteration">The iteration it was added to.</param>
public sealed record UpdateAccumulated(string ClientId, int Iteration) : RoundEvent;
