using FedSharp.Learning.Data;

namespace FedSharp.Simulation.Tests;

/// <summary>
/// The bundled Fashion-MNIST subset, loaded once, with a smaller training split so that a simulation test trains
/// in about a second on a busy two-core machine.
/// </summary>
internal static class TestData
{
    public const int TrainingSamples = 1500;

    private static readonly Lazy<TrainTestSplit> s_split = new(() =>
        new DatasetLocator(new DatasetLocatorOptions { UseBundledSubset = true }).Locate().Load());

    public static FederatedDataset For(SimulationOptions options)
    {
        TrainTestSplit split = s_split.Value;
        LabeledDataset train = split.Train.Subset([.. Enumerable.Range(0, TrainingSamples)]);
        return FederatedDataset.Partition(train, split.Test, options, "the first 1,500 samples of the bundled subset");
    }
}
