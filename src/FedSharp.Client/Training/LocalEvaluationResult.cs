namespace FedSharp.Client.Training;

/// <summary>How well the trainer's current model does on the client's evaluation data.</summary>
/// <param name="Accuracy">Fraction of samples classified correctly, in [0, 1].</param>
/// <param name="MeanLoss">Mean loss over the samples.</param>
/// <param name="SampleCount">Number of samples evaluated.</param>
public sealed record LocalEvaluationResult(double Accuracy, double MeanLoss, int SampleCount);
