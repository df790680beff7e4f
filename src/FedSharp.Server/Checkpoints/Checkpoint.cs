using FedSharp.Core.Models;

namespace FedSharp.Server.Checkpoints;

/// <summary>A global model read back from disk.</summary>
/// <param name="Iteration">The iteration that produced it.</param>
/// <param name="Parameters">The parameters.</param>
/// <param name="Path">The file it came from.</param>
/// <param name="CreatedAt">When it was written.</param>
public sealed record Checkpoint(int Iteration, ModelParameters Parameters, string Path, DateTimeOffset CreatedAt);
