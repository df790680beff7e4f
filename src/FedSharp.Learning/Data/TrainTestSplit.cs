namespace FedSharp.Learning.Data;

/// <summary>A data set's standard training and test splits.</summary>
/// <param name="Train">The training split (60,000 samples for full MNIST and Fashion-MNIST).</param>
/// <param name="Test">The test split (10,000 samples for full MNIST and Fashion-MNIST).</param>
public sealed record TrainTestSplit(LabeledDataset Train, LabeledDataset Test);
