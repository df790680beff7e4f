namespace FedSharp.Learning.Data;

/// <summary>
/// Where <see cref="DatasetLocator"/> looks for an IDX image data set. The search order is fixed:
/// <see cref="DataDirectory"/>, then the <c>FEDSHARP_DATA</c> environment variable, then
/// <see cref="SystemDirectory"/>; <see cref="UseBundledSubset"/> replaces the whole search by the small subset
/// that ships in the repository.
/// </summary>
public sealed class DatasetLocatorOptions
{
    /// <summary>The environment variable that names a data directory.</summary>
    public const string EnvironmentVariableName = "FEDSHARP_DATA";

    /// <summary>Where the Debian package <c>dataset-fashion-mnist</c> installs Fashion-MNIST.</summary>
    public const string FashionMnistSystemDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The bundled subset's folder, relative to the repository root (the folder holding <c>FedSharp.slnx</c>).</summary>
    public const string BundledSubsetRelativePath = "data/fashion-mnist-subset";

    /// <summary>Which data set to find. Default <see cref="ImageDataset.FashionMnist"/>.</summary>
    public ImageDataset Dataset { get; set; } = ImageDataset.FashionMnist;

    /// <summary>
    /// The explicit data directory (the command line's <c>--data-dir</c>), searched first; it may hold the four
    /// IDX files itself or a <c>fashion-mnist</c> / <c>mnist</c> subfolder that does. When given it must exist: a missing
    /// folder fails the search instead of falling back to the later places. Default <see langword="null"/> (not given).
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>
    /// Load the subset bundled with the repository (Fashion-MNIST only, 600 training and 100 test samples per
    /// class) instead of searching. Default <see langword="false"/>.
    /// </summary>
    public bool UseBundledSubset { get; set; }

    /// <summary>
    /// The system directory searched last. Default <see langword="null"/>: <see cref="FashionMnistSystemDirectory"/>
    /// for Fashion-MNIST, none for MNIST (Debian ships no MNIST package).
    /// </summary>
    public string? SystemDirectory { get; set; }

    /// <summary>
    /// Reads an environment variable; replace it in tests. Default <see cref="Environment.GetEnvironmentVariable(string)"/>.
    /// </summary>
    public Func<string, string?> EnvironmentLookup { get; set; } = Environment.GetEnvironmentVariable;

    /// <summary>
    /// Where the walk up to the repository root (the folder holding <c>FedSharp.slnx</c>) starts when looking for
    /// the bundled subset. Default <see cref="AppContext.BaseDirectory"/>.
    /// </summary>
    public string ApplicationDirectory { get; set; } = AppContext.BaseDirectory;

    /// <summary>Checks the options; called by the <see cref="DatasetLocator"/> constructor.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Dataset))
        {
            throw new ArgumentException($"Dataset {(int)Dataset} is not an {nameof(ImageDataset)}; use FashionMnist or Mnist.", nameof(Dataset));
        }

        if (UseBundledSubset && Dataset != ImageDataset.FashionMnist)
        {
            throw new ArgumentException($"Only Fashion-MNIST has a bundled subset, not {Dataset}; clear {nameof(UseBundledSubset)} or ask for FashionMnist.", nameof(UseBundledSubset));
        }

        if (EnvironmentLookup is null)
        {
            throw new ArgumentException($"{nameof(EnvironmentLookup)} must not be null; keep the default Environment.GetEnvironmentVariable or pass a lookup.", nameof(EnvironmentLookup));
        }

        if (string.IsNullOrEmpty(ApplicationDirectory))
        {
            throw new ArgumentException($"{nameof(ApplicationDirectory)} must not be empty; keep the default AppContext.BaseDirectory.", nameof(ApplicationDirectory));
        }
    }
}
