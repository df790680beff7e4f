using FedSharp.Server.Stores;

namespace FedSharp.Server.Strategies;

/// <summary>What a participant receives at startFLJob.</summary>
/// <param name="Iteration">The iteration it joins.</param>
/// <param name="Model">The model to train from.</param>
public sealed record TrainingPlan(int Iteration, PublishedModel Model);
