using FedSharp.Learning.Data;

namespace FedSharp.Learning.Tests.Data;

public sealed class DatasetLocatorTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Search_DataDirectoryAndEnvironmentBothHoldFiles_DataDirectoryWins()
    {
        // Arrange
        string explicitDirectory = _directory.File("explicit");
        string environmentDirectory = _directory.File("environment");
        IdxFileBuilder.WriteDataset(explicitDirectory, 20, 10, gzip: true);
        IdxFileBuilder.WriteDataset(environmentDirectory, 20, 10, gzip: true);
        var locator = new DatasetLocator(Options(explicitDirectory, environmentDirectory));

        // Act
        DatasetSearchResult result = locator.Search();

        // Assert
        Assert.True(result.Found);
        Assert.Equal(DatasetSource.DataDirectoryOption, result.Location!.Source);
        Assert.Equal(explicitDirectory, result.Location.Directory);
    }

    [Fact]
    public void Search_NoDataDirectory_UsesEnvironmentVariable()
    {
        // Arrange
        string environmentDirectory = _directory.File("environment");
        IdxFileBuilder.WriteDataset(environmentDirectory, 20, 10, gzip: false);
        var locator = new DatasetLocator(Options(null, environmentDirectory));

        // Act
        DatasetLocation location = locator.Locate();

        // Assert
        Assert.Equal(DatasetSource.EnvironmentVariable, location.Source);
        Assert.EndsWith("train-images-idx3-ubyte", location.TrainImagesPath, StringComparison.Ordinal);
    }

    [Fact]
    public void Search_DataDirectoryWithoutFiles_FallsThroughToSystemDirectory()
    {
        // Arrange
        string empty = _directory.File("empty");
        Directory.CreateDirectory(empty);
        string system = _directory.File("system");
        IdxFileBuilder.WriteDataset(system, 20, 10, gzip: true);
        DatasetLocatorOptions options = Options(empty, null);
        options.SystemDirectory = system;

        // Act
        DatasetSearchResult result = new DatasetLocator(options).Search();

        // Assert
        Assert.Equal(DatasetSource.SystemPackage, result.Location!.Source);
        Assert.Equal(
            [DatasetSource.DataDirectoryOption, DatasetSource.EnvironmentVariable, DatasetSource.SystemPackage],
            result.Steps.Select(s => s.Source).ToArray());
        Assert.Contains("missing train-images-idx3-ubyte[.gz]", result.Steps[0].Outcome, StringComparison.Ordinal);
    }

    [Fact]
    public void Search_DataDirectoryWithFashionMnistSubfolder_FindsSubfolder()
    {
        // Arrange
        string parent = _directory.File("datasets");
        IdxFileBuilder.WriteDataset(Path.Combine(parent, "fashion-mnist"), 20, 10, gzip: true);

        // Act
        DatasetLocation location = new DatasetLocator(Options(parent, null)).Locate();

        // Assert
        Assert.Equal(Path.Combine(parent, "fashion-mnist"), location.Directory);
    }

    [Fact]
    public void Locate_NothingAnywhere_ThrowsListingEveryPlaceAndHowToFix()
    {
        // Arrange
        string explicitDirectory = _directory.File("empty-data-dir");
        Directory.CreateDirectory(explicitDirectory);
        string environmentDirectory = _directory.File("also-nowhere");
        DatasetLocatorOptions options = Options(explicitDirectory, environmentDirectory);
        options.SystemDirectory = _directory.File("no-system");

        // Act
        DatasetNotFoundException error = Assert.Throws<DatasetNotFoundException>(() => new DatasetLocator(options).Locate());

        // Assert
        Assert.Contains("Fashion-MNIST was not found", error.Message, StringComparison.Ordinal);
        Assert.Contains(explicitDirectory, error.Message, StringComparison.Ordinal);
        Assert.Contains(environmentDirectory, error.Message, StringComparison.Ordinal);
        Assert.Contains(options.SystemDirectory, error.Message, StringComparison.Ordinal);
        Assert.Contains("directory does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install dataset-fashion-mnist", error.Message, StringComparison.Ordinal);
        Assert.Contains("--data-dir", error.Message, StringComparison.Ordinal);
        Assert.Contains("FEDSHARP_DATA=", error.Message, StringComparison.Ordinal);
        Assert.Contains("bundled", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Locate_NamedDataDirectoryMissing_FailsInsteadOfFallingBack()
    {
        // Arrange: the data set is in $FEDSHARP_DATA and in the system folder, but the user named a folder that is not there.
        string environment = _directory.File("environment");
        IdxFileBuilder.WriteDataset(environment, 20, 10, gzip: true);
        DatasetLocatorOptions options = Options(_directory.File("typo"), environment);
        options.SystemDirectory = environment;

        // Act
        DatasetNotFoundException error = Assert.Throws<DatasetNotFoundException>(() => new DatasetLocator(options).Locate());
        DatasetSearchResult search = new DatasetLocator(options).Search();

        // Assert
        Assert.Contains($"'{_directory.File("typo")}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        Assert.Null(search.Location);
        Assert.Equal([DatasetSource.DataDirectoryOption], search.Steps.Select(s => s.Source).ToArray());
    }

    [Fact]
    public void Search_EnvironmentUnsetAndMnist_ReportsUnsetAndNoSystemPackage()
    {
        // Arrange
        var options = new DatasetLocatorOptions { Dataset = ImageDataset.Mnist, EnvironmentLookup = _ => null };

        // Act
        DatasetSearchResult result = new DatasetLocator(options).Search();

        // Assert
        Assert.False(result.Found);
        Assert.Equal(["not given", "not set", "no system package ships MNIST"], result.Steps.Select(s => s.Outcome).ToArray());
        Assert.DoesNotContain("dataset-fashion-mnist", result.DescribeNotFound(), StringComparison.Ordinal);
    }

    [Fact]
    public void Search_EnvironmentLookup_AsksForFedSharpData()
    {
        // Arrange
        var asked = new List<string>();
        var options = new DatasetLocatorOptions
        {
            EnvironmentLookup = name => { asked.Add(name); return null; },
            SystemDirectory = _directory.File("none"),
        };

        // Act
        new DatasetLocator(options).Search();

        // Assert
        Assert.Equal(["FEDSHARP_DATA"], asked);
    }

    [Fact]
    public void Search_BundledSubsetOutsideRepository_ReportsMissingSolution()
    {
        // Arrange
        var options = new DatasetLocatorOptions { UseBundledSubset = true, ApplicationDirectory = _directory.Path };

        // Act
        DatasetSearchResult result = new DatasetLocator(options).Search();

        // Assert
        Assert.False(result.Found);
        Assert.Contains("FedSharp.slnx", result.Steps.Single().Outcome, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_BundledSubsetForMnist_ThrowsNamingTheRule()
    {
        // Arrange
        var options = new DatasetLocatorOptions { Dataset = ImageDataset.Mnist, UseBundledSubset = true };

        // Act
        ArgumentException error = Assert.Throws<ArgumentException>(() => new DatasetLocator(options));

        // Assert
        Assert.Contains("Only Fashion-MNIST has a bundled subset", error.Message, StringComparison.Ordinal);
    }

    private DatasetLocatorOptions Options(string? dataDirectory, string? environmentDirectory) => new()
    {
        DataDirectory = dataDirectory,
        EnvironmentLookup = name => name == DatasetLocatorOptions.EnvironmentVariableName ? environmentDirectory : null,
        SystemDirectory = _directory.File("no-system-package"),
    };
}
