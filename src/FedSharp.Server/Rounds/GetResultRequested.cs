namespace FedSharp.Server.Rounds;

/// <summary>A client asks how <paramref name="Iteration"/> ended (MindSpore's getResult).</summary>
/// <param name="ClientId">The client's id, for the reason text; may be empty.</param>
/// <param name="Iteration">The iteration asked about.</param>
public sealed record GetResultRequested(string ClientId, int Iteration) : RoundEvent;
