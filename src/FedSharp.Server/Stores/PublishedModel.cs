using FedSharp.Core.Models;

namespace FedSharp.Server.Stores;

/// <summary>A global model and the iteration that produced it (0 for the initial model). Treat as read-only: it is shared.</summary>
/// <param name="Iteration">The iteration whose aggregation produced it; 0 for the initial model.</param>
/// <param name="Parameters">The parameters.</param>
public sealed record PublishedModel(int Iteration, ModelParameters Parameters);
