using FedSharp.Core.Models;

namespace FedSharp.Client.Training;

/// <summary>The outcome of one iteration's local training.</summary>
/// <param name="Succeeded">
/// False when training diverged (a non-finite loss or weight); the trainer then holds the weights it had before
/// training, and the update must not be uploaded.
/// </param>
/// <param name="MeanLoss">Training loss averaged over every sample of every epoch; non-finite when training diverged.</param>
/// <param name="SampleCount">Samples trained on, counting each epoch.</param>
/// <param name="FailureReason">Why training failed, naming the epoch; null when it succeeded.</param>
public sealed record LocalTrainingResult(bool Succeeded, double MeanLoss, int SampleCount, string? FailureReason = null)
{
    /// <summary>
    /// What the plan's strategy asked the trainer to report with its weights (<c>UpdateModelRequest.strategy</c>):
    /// SCAFFOLD's control-variate change <c>delta_c/{name}</c>, FedNova's <c>local_steps</c> and
    /// <c>normalizing_coefficient</c>. <see cref="StrategyParameters.None"/> for FedAvg and FedProx.
    /// </summary>
    public StrategyParameters Reported { get; init; } = StrategyParameters.None;
}
