using FedSharp.Core.Models;

namespace FedSharp.Server.Checkpoints;

/// <summary>A global model read back from disk.</summary>
/// <param name="Iteration">The iteration that produced it.</param>
/// <param name="Parameters">The parameters.</param>
/// <param name="Path">The file it came from.</param>
/// <param name="CreatedAt">When it was written.</param>
/// <param name="StrategyState">The strategy's state saved with the model (server momentum, optimizer moments), or null when the strategy keeps none.</param>
public sealed record Checkpoint(int Iteration, ModelParameters Parameters, string Path, DateTimeOffset CreatedAt, ModelParameters? StrategyState = null);
