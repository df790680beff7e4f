using FedSharp.Server.Stores;

namespace FedSharp.Server.Strategies;

/// <summary>The model participants evaluate on their own data before training, reporting the accuracy with their update.</summary>
/// <param name="Iteration">The iteration.</param>
/// <param name="Model">The model to evaluate.</param>
public sealed record EvaluationPlan(int Iteration, PublishedModel Model);
