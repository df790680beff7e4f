namespace FedSharp.Core.Configuration;

/// <summary>The image data set a simulation partitions among its virtual clients (yaml <c>simulation.dataset</c>).</summary>
public enum SimulationDataset
{
    /// <summary><c>fashion-mnist-subset</c>: the 6,000/1,000-sample subset bundled with the repository.</summary>
    FashionMnistSubset,

    /// <summary><c>fashion-mnist</c>: the full set, found through data_dir, $FEDSHARP_DATA or the Debian package.</summary>
    FashionMnist,

    /// <summary><c>mnist</c>: MNIST, found through data_dir or $FEDSHARP_DATA.</summary>
    Mnist,
}
