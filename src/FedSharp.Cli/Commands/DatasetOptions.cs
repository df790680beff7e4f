using System.CommandLine;
using FedSharp.Learning.Data;

namespace FedSharp.Cli.Commands;

/// <summary>The `--dataset` and `--data-dir` options shared by every command that reads an image data set.</summary>
internal sealed class DatasetOptions
{
    public const string FashionMnist = "fashion-mnist";
    public const string FashionMnistSubset = "fashion-mnist-subset";
    public const string Mnist = "mnist";

    public Option<string> Dataset { get; } = new("--dataset")
    {
        Description = $"{FashionMnist} (the full set: --data-dir, then $FEDSHARP_DATA, then {DatasetLocatorOptions.FashionMnistSystemDirectory}), {FashionMnistSubset} (bundled with the repository) or {Mnist}",
        DefaultValueFactory = _ => FashionMnist,
    };

    public Option<string?> DataDirectory { get; } = new("--data-dir")
    {
        Description = "Folder holding the four IDX files (train-images-idx3-ubyte.gz, ...), searched first",
    };

    public DatasetOptions(string defaultDataset)
    {
        Dataset.DefaultValueFactory = _ => defaultDataset;
        Dataset.AcceptOnlyFromAmong(FashionMnist, FashionMnistSubset, Mnist);
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Dataset);
        command.Options.Add(DataDirectory);
    }

    /// <summary>Finds and loads the chosen data set; the error says every place that was searched.</summary>
    public DatasetLocation Locate(ParseResult parse)
    {
        string dataset = parse.GetValue(Dataset)!;
        var options = new DatasetLocatorOptions
        {
            Dataset = dataset == Mnist ? ImageDataset.Mnist : ImageDataset.FashionMnist,
            DataDirectory = parse.GetValue(DataDirectory),
            UseBundledSubset = dataset == FashionMnistSubset,
        };
        return new DatasetLocator(options).Locate();
    }
}
