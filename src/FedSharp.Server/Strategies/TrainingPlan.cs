using FedSharp.Server.Stores;

using FedSharp.Core.Models;

namespace FedSharp.Server.Strategies;

/// <summary>What a participant receives at startFLJob.</summary>
/// <param name="Iteration">The iteration it joins.</param>
/// <param name="Model">The model to train from.</param>
/// <param name="Parameters">What the strategy asks of the device's training and upload (FLPlan.strategy: FedProx's
/// μ, SCAFFOLD's control variate, a clip norm); null for nothing, as FedAvg.</param>
public sealed record TrainingPlan(int Iteration, PublishedModel Model, StrategyParameters? Parameters = null);
