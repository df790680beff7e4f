namespace FedSharp.Learning.Data;

/// <summary>
/// A directory that holds the four IDX files of an image data set, found by <see cref="DatasetLocator"/>.
/// Each file may be gzip-compressed (<c>.gz</c>) or raw.
/// </summary>
public sealed class DatasetLocation
{
    /// <summary>Creates a location from the four file paths.</summary>
    public DatasetLocation(
        ImageDataset dataset,
        DatasetSource source,
        string directory,
        string trainImagesPath,
        string trainLabelsPath,
        string testImagesPath,
        string testLabelsPath)
    {
        Dataset = dataset;
        Source = source;
        Directory = directory;
        TrainImagesPath = trainImagesPath;
        TrainLabelsPath = trainLabelsPath;
        TestImagesPath = testImagesPath;
        TestLabelsPath = testLabelsPath;
    }

    /// <summary>Which data set this is.</summary>
    public ImageDataset Dataset { get; }

    /// <summary>Which rule of the search order found it.</summary>
    public DatasetSource Source { get; }

    /// <summary>The directory that holds the files.</summary>
    public string Directory { get; }

    /// <summary>Path of the training images (idx3).</summary>
    public string TrainImagesPath { get; }

    /// <summary>Path of the training labels (idx1).</summary>
    public string TrainLabelsPath { get; }

    /// <summary>Path of the test images (idx3).</summary>
    public string TestImagesPath { get; }

    /// <summary>Path of the test labels (idx1).</summary>
    public string TestLabelsPath { get; }

    /// <summary>Loads the training split: samples [1, 28, 28] in [0, 1], 10 classes.</summary>
    /// <exception cref="DatasetFormatException">A file is missing, truncated or malformed.</exception>
    public LabeledDataset LoadTrain() => IdxFile.Load(TrainImagesPath, TrainLabelsPath, DatasetLocator.ClassCount);

    /// <summary>Loads the test split: samples [1, 28, 28] in [0, 1], 10 classes.</summary>
    /// <exception cref="DatasetFormatException">A file is missing, truncated or malformed.</exception>
    public LabeledDataset LoadTest() => IdxFile.Load(TestImagesPath, TestLabelsPath, DatasetLocator.ClassCount);

    /// <summary>Loads both splits.</summary>
    /// <exception cref="DatasetFormatException">A file is missing, truncated or malformed.</exception>
    public TrainTestSplit Load() => new(LoadTrain(), LoadTest());

    /// <inheritdoc />
    public override string ToString() => $"{Dataset} in '{Directory}' ({Source})";
}
