namespace FedSharp.Learning.Training;

/// <summary>The outcome of evaluating a model on a data set.</summary>
/// <param name="Accuracy">Fraction of samples whose largest logit is the label, in [0, 1]; 0 when there were none.</param>
/// <param name="MeanLoss">Softmax cross-entropy averaged over the samples; 0 when there were none.</param>
/// <param name="SampleCount">Number of samples evaluated.</param>
public readonly record struct EvaluationResult(double Accuracy, double MeanLoss, int SampleCount);
