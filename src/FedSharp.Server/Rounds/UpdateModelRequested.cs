namespace FedSharp.Server.Rounds;

/// <summary>A client offers its trained update (MindSpore's updateModel); the parameters stay with the coordinator.</summary>
/// <param name="ClientId">The client's id.</param>
/// <param name="Iteration">The iteration the client trained for.</param>
/// <param name="DataSize">The weight the client claims; must match what it declared at startFLJob.</param>
public sealed record UpdateModelRequested(string ClientId, int Iteration, int DataSize) : RoundEvent;
