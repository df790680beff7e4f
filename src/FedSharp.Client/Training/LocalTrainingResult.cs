namespace FedSharp.Client.Training;

/// <summary>The outcome of one iteration's local training.</summary>
/// <param name="Succeeded">
/// False when training diverged (a non-finite loss or weight); the trainer then holds the weights it had before
/// training, and the update must not be uploaded.
/// </param>
/// <param name="MeanLoss">Training loss averaged over every sample of every epoch; non-finite when training diverged.</param>
/// <param name="SampleCount">Samples trained on, counting each epoch.</param>
/// <param name="FailureReason">Why training failed, naming the epoch; null when it succeeded.</param>
public sealed record LocalTrainingResult(bool Succeeded, double MeanLoss, int SampleCount, string? FailureReason = null);
