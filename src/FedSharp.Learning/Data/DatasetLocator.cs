namespace FedSharp.Learning.Data;

/// <summary>
/// Finds MNIST or Fashion-MNIST on disk. Search order: the explicit data directory (<c>--data-dir</c>), then
/// <c>$FEDSHARP_DATA</c>, then the Debian package directory <c>/usr/share/datasets/fashion-mnist</c>; the first
/// place that holds all four IDX files wins; an explicit data directory that does not exist ends the search (a path the
/// user named must exist). A directory counts if it holds the files itself or in a
/// <c>fashion-mnist</c> (or <c>mnist</c>) subfolder. The bundled subset is used only when asked for.
/// </summary>
public sealed class DatasetLocator
{
    /// <summary>Number of classes of MNIST and Fashion-MNIST.</summary>
    public const int ClassCount = 10;

    /// <summary>The marker of the repository root, used to find the bundled subset.</summary>
    public const string SolutionFileName = "FedSharp.slnx";

    private const string TrainImages = "train-images-idx3-ubyte";
    private const string TrainLabels = "train-labels-idx1-ubyte";
    private const string TestImages = "t10k-images-idx3-ubyte";
    private const string TestLabels = "t10k-labels-idx1-ubyte";

    private readonly DatasetLocatorOptions _options;

    /// <summary>Creates a locator; the options are validated here.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public DatasetLocator(DatasetLocatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>The four IDX file names, gzip form; the raw form drops <c>.gz</c>.</summary>
    public static IReadOnlyList<string> FileNames { get; } =
        [TrainImages + ".gz", TrainLabels + ".gz", TestImages + ".gz", TestLabels + ".gz"];

    /// <summary>Looks in every place of the search order and reports what it found in each.</summary>
    public DatasetSearchResult Search()
    {
        var steps = new List<DatasetSearchStep>();
        DatasetLocation? location = _options.UseBundledSubset ? SearchBundled(steps) : SearchOrdered(steps);
        return new DatasetSearchResult(_options.Dataset, location, steps);
    }

    /// <summary>Finds the data set or fails with the full "not found" message.</summary>
    /// <exception cref="DatasetNotFoundException">No place holds the four IDX files, or the explicit data directory does not exist.</exception>
    public DatasetLocation Locate()
    {
        if (!_options.UseBundledSubset && _options.DataDirectory is { Length: > 0 } named && !System.IO.Directory.Exists(named))
        {
            throw new DatasetNotFoundException(
                $"The data folder '{Path.GetFullPath(named)}' (--data-dir or simulation.data_dir) does not exist; a folder you name must exist, so ${DatasetLocatorOptions.EnvironmentVariableName} and {DatasetLocatorOptions.FashionMnistSystemDirectory} were not searched. Correct the path, or leave the option out to search those.");
        }

        DatasetSearchResult result = Search();
        return result.Location ?? throw new DatasetNotFoundException(result.DescribeNotFound());
    }

    /// <summary>Walks up from <paramref name="startDirectory"/> to the first folder that holds <see cref="SolutionFileName"/>.</summary>
    /// <returns>The repository root, or <see langword="null"/> when no ancestor holds the solution file.</returns>
    public static string? FindRepositoryRoot(string startDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(startDirectory);
        for (DirectoryInfo? directory = new(Path.GetFullPath(startDirectory)); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFileName)))
            {
                return directory.FullName;
            }
        }

        return null;
    }

    private DatasetLocation? SearchOrdered(List<DatasetSearchStep> steps)
    {
        if (_options.DataDirectory is { Length: > 0 } explicitDirectory)
        {
            DatasetLocation? found = Probe(DatasetSource.DataDirectoryOption, explicitDirectory, steps);
            if (found is not null || !System.IO.Directory.Exists(explicitDirectory))
            {
                // A folder the user named that is not there is a typo, not a reason to train on some other copy.
                return found;
            }
        }
        else
        {
            steps.Add(new DatasetSearchStep(DatasetSource.DataDirectoryOption, null, "not given", false));
        }

        string? environmentDirectory = _options.EnvironmentLookup(DatasetLocatorOptions.EnvironmentVariableName);
        if (!string.IsNullOrWhiteSpace(environmentDirectory))
        {
            DatasetLocation? found = Probe(DatasetSource.EnvironmentVariable, environmentDirectory, steps);
            if (found is not null)
            {
                return found;
            }
        }
        else
        {
            steps.Add(new DatasetSearchStep(DatasetSource.EnvironmentVariable, null, "not set", false));
        }

        string? systemDirectory = _options.SystemDirectory
            ?? (_options.Dataset == ImageDataset.FashionMnist ? DatasetLocatorOptions.FashionMnistSystemDirectory : null);
        if (systemDirectory is null)
        {
            steps.Add(new DatasetSearchStep(DatasetSource.SystemPackage, null, "no system package ships MNIST", false));
            return null;
        }

        return Probe(DatasetSource.SystemPackage, systemDirectory, steps);
    }

    private DatasetLocation? SearchBundled(List<DatasetSearchStep> steps)
    {
        string? root = FindRepositoryRoot(_options.ApplicationDirectory);
        if (root is null)
        {
            steps.Add(new DatasetSearchStep(
                DatasetSource.BundledSubset,
                null,
                $"no folder above '{_options.ApplicationDirectory}' holds {SolutionFileName}; run from inside the FedSharp repository or pass --data-dir",
                false));
            return null;
        }

        return Probe(DatasetSource.BundledSubset, Path.Combine(root, DatasetLocatorOptions.BundledSubsetRelativePath), steps);
    }

    private DatasetLocation? Probe(DatasetSource source, string directory, List<DatasetSearchStep> steps)
    {
        string fullPath = Path.GetFullPath(directory);
        DatasetLocation? found = ProbeDirectory(source, fullPath, steps);
        if (found is not null || source == DatasetSource.BundledSubset)
        {
            return found;
        }

        string subfolder = _options.Dataset == ImageDataset.FashionMnist ? "fashion-mnist" : "mnist";
        string nested = Path.Combine(fullPath, subfolder);
        return System.IO.Directory.Exists(nested) ? ProbeDirectory(source, nested, steps) : null;
    }

    private DatasetLocation? ProbeDirectory(DatasetSource source, string directory, List<DatasetSearchStep> steps)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            steps.Add(new DatasetSearchStep(source, directory, "directory does not exist", false));
            return null;
        }

        string? trainImages = FindFile(directory, TrainImages);
        string? trainLabels = FindFile(directory, TrainLabels);
        string? testImages = FindFile(directory, TestImages);
        string? testLabels = FindFile(directory, TestLabels);
        if (trainImages is null || trainLabels is null || testImages is null || testLabels is null)
        {
            var missing = new List<string>(4);
            AddIfMissing(missing, trainImages, TrainImages);
            AddIfMissing(missing, trainLabels, TrainLabels);
            AddIfMissing(missing, testImages, TestImages);
            AddIfMissing(missing, testLabels, TestLabels);
            steps.Add(new DatasetSearchStep(source, directory, "missing " + string.Join(", ", missing), false));
            return null;
        }

        steps.Add(new DatasetSearchStep(source, directory, "found", true));
        return new DatasetLocation(_options.Dataset, source, directory, trainImages, trainLabels, testImages, testLabels);
    }

    private static string? FindFile(string directory, string baseName)
    {
        string gzip = Path.Combine(directory, baseName + ".gz");
        if (File.Exists(gzip))
        {
            return gzip;
        }

        string raw = Path.Combine(directory, baseName);
        return File.Exists(raw) ? raw : null;
    }

    private static void AddIfMissing(List<string> missing, string? path, string baseName)
    {
        if (path is null)
        {
            missing.Add(baseName + "[.gz]");
        }
    }
}
