namespace FedSharp.Server.Rounds;

/// <summary>A client asks for the global model after taking part in <paramref name="Iteration"/> (MindSpore's getModel).</summary>
/// <param name="ClientId">The client's id, for the reason text; may be empty.</param>
/// <param name="Iteration">The iteration the client took part in; the model is ready once it has ended.</param>
public sealed record GetModelRequested(string ClientId, int Iteration) : RoundEvent;
