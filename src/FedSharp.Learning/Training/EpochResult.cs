namespace FedSharp.Learning.Training;

/// <summary>The outcome of one training epoch.</summary>
/// <param name="MeanLoss">The training loss averaged over every sample seen (batches weighted by size); 0 when there were none.</param>
/// <param name="SampleCount">Number of samples trained on.</param>
public readonly record struct EpochResult(double MeanLoss, int SampleCount);
