using System.Text;

namespace FedSharp.Learning.Data;

/// <summary>The outcome of <see cref="DatasetLocator.Search"/>: the location, if any, and every place looked at.</summary>
public sealed class DatasetSearchResult
{
    /// <summary>Creates a result.</summary>
    public DatasetSearchResult(ImageDataset dataset, DatasetLocation? location, IReadOnlyList<DatasetSearchStep> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        Dataset = dataset;
        Location = location;
        Steps = steps;
    }

    /// <summary>The data set searched for.</summary>
    public ImageDataset Dataset { get; }

    /// <summary>Where the data set was found, or <see langword="null"/>.</summary>
    public DatasetLocation? Location { get; }

    /// <summary>Whether the data set was found.</summary>
    public bool Found => Location is not null;

    /// <summary>Every place considered, in search order, with what was found there.</summary>
    public IReadOnlyList<DatasetSearchStep> Steps { get; }

    /// <summary>
    /// The "not found" message: every place looked at and what was missing, then how to install the data or
    /// point to it.
    /// </summary>
    public string DescribeNotFound()
    {
        string name = Dataset == ImageDataset.FashionMnist ? "Fashion-MNIST" : "MNIST";
        var text = new StringBuilder();
        text.Append(name).Append(" was not found. Places looked at, in order:");
        foreach (DatasetSearchStep step in Steps)
        {
            text.Append("\n  - ").Append(Describe(step.Source));
            if (step.Directory is not null)
            {
                text.Append(" '").Append(step.Directory).Append('\'');
            }

            text.Append(": ").Append(step.Outcome);
        }

        text.Append("\nEach place must hold ").Append(string.Join(", ", DatasetLocator.FileNames)).Append(" (each .gz or raw).");
        text.Append("\nTo fix it, do one of:");
        if (Dataset == ImageDataset.FashionMnist)
        {
            text.Append("\n  - install the Debian package: sudo apt-get install dataset-fashion-mnist (files go to ")
                .Append(DatasetLocatorOptions.FashionMnistSystemDirectory).Append(");");
        }

        text.Append("\n  - pass the directory that holds the files with --data-dir <dir>;");
        text.Append("\n  - set ").Append(DatasetLocatorOptions.EnvironmentVariableName).Append("=<dir>;");
        if (Dataset == ImageDataset.FashionMnist)
        {
            text.Append("\n  - ask for the small subset bundled with the repository (")
                .Append(DatasetLocatorOptions.BundledSubsetRelativePath).Append(", 6,000 training / 1,000 test samples).");
        }

        return text.ToString();
    }

    private static string Describe(DatasetSource source) => source switch
    {
        DatasetSource.DataDirectoryOption => "--data-dir",
        DatasetSource.EnvironmentVariable => "$" + DatasetLocatorOptions.EnvironmentVariableName,
        DatasetSource.SystemPackage => "system package directory",
        DatasetSource.BundledSubset => "bundled subset",
        _ => source.ToString(),
    };
}
