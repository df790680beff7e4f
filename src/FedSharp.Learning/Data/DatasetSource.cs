namespace FedSharp.Learning.Data;

/// <summary>Where <see cref="DatasetLocator"/> looked for, or found, a data set; in search order.</summary>
public enum DatasetSource
{
    /// <summary>The explicit directory, e.g. the command line's <c>--data-dir</c>.</summary>
    DataDirectoryOption,

    /// <summary>The directory named by the <c>FEDSHARP_DATA</c> environment variable.</summary>
    EnvironmentVariable,

    /// <summary>The system directory of the Debian package, <c>/usr/share/datasets/fashion-mnist</c>.</summary>
    SystemPackage,

    /// <summary>The small subset that ships in the repository under <c>data/fashion-mnist-subset</c>.</summary>
    BundledSubset,
}
