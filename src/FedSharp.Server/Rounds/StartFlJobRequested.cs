namespace FedSharp.Server.Rounds;

/// <summary>A client asks to join the current iteration (MindSpore's startFLJob).</summary>
/// <param name="ClientId">The client's id.</param>
/// <param name="DataSize">Training samples the client holds; its update's weight. Must be 1 or more.</param>
public sealed record StartFlJobRequested(string ClientId, int DataSize) : RoundEvent;
