namespace FedSharp.Server.Rounds;

/// <summary>A client offers its trained update (MindSpore's updateModel); the parameters stay with the coordinator.</summary>
/// <param name="ClientId">The client's id.</param>
/// <param name="Iteration">The iteration the client trained for.</param>
/// <param name="DataSize">The weight the client claims, which must match what it declared at startFLJob; null when the
/// request carries none (the wire's updateModel), so the weight is the declared one.</param>
public sealed record UpdateModelRequested(string ClientId, int Iteration, int? DataSize) : RoundEvent;
