namespace FedSharp.Server.Rounds;

/// <summary>
/// An accepted update could not be added to the running sum (the update store failed): the client's slot is freed
/// and it may send the update again.
/// </summary>
/// <param name="ClientId">The client whose update was lost.</param>
/// <param name="Iteration">The iteration it was meant for.</param>
public sealed record UpdateAbandoned(string ClientId, int Iteration) : RoundEvent;
