namespace FedSharp.Cli.Tests;

public sealed class TrainCommandTests
{
    [Fact]
    public async Task Train_BundledSubsetWithJson_PrintsEpochLinesThenSummaryAboveChance()
    {
        ProcessResult result = await FedSharpProcess.RunAsync(
            "train", "--model", "simple-cnn", "--dataset", "fashion-mnist-subset", "--epochs", "2",
            "--batch-size", "64", "--lr", "0.01", "--momentum", "0.9", "--seed", "0", "--json");

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(3, result.OutputLines.Length);
        Assert.Equal(1, System.Text.Json.JsonDocument.Parse(result.OutputLines[0]).RootElement.GetProperty("epoch").GetInt32());
        var summary = result.LastJsonLine();
        double accuracy = summary.GetProperty("test_accuracy").GetDouble();
        Assert.InRange(accuracy, 0.5, 1.0);
        Assert.True(summary.GetProperty("train_seconds").GetDouble() > 0);
        Assert.True(summary.GetProperty("samples_per_second").GetDouble() > 0);
    }

    [Fact]
    public async Task Train_SameSeedTwice_GivesTheSameAccuracy()
    {
        string[] args = ["train", "--model", "logistic-regression", "--dataset", "fashion-mnist-subset", "--epochs", "1", "--seed", "7", "--json"];

        ProcessResult first = await FedSharpProcess.RunAsync(args);
        ProcessResult second = await FedSharpProcess.RunAsync(args);

        Assert.Equal(
            first.LastJsonLine().GetProperty("test_loss").GetDouble(),
            second.LastJsonLine().GetProperty("test_loss").GetDouble());
    }

    [Fact]
    public async Task Train_ZeroEpochs_ExitsNonZeroWithOneLineReason()
    {
        ProcessResult result = await FedSharpProcess.RunAsync("train", "--dataset", "fashion-mnist-subset", "--epochs", "0");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal("fedsharp: --epochs must be at least 1; got 0.", result.StandardError.Trim());
        Assert.Empty(result.StandardOutput);
    }

    [Fact]
    public async Task Train_UnknownModel_ListsTheValidNames()
    {
        ProcessResult result = await FedSharpProcess.RunAsync("train", "--model", "resnet-152");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("resnet-152", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("simple-cnn", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_DataNowhere_SaysWhereItLookedWithoutAStackTrace()
    {
        var environment = new Dictionary<string, string?> { ["FEDSHARP_DATA"] = null };
        // An existing folder without the files: the search goes on to the other places and reports each one (a folder
        // that does not exist stops the search; ServerCommandTests covers that).
        string empty = Directory.CreateTempSubdirectory("fedsharp-empty-data-").FullName;

        ProcessResult result;
        try
        {
            result = await FedSharpProcess.RunAsync(environment, "train", "--dataset", "mnist", "--data-dir", empty);
        }
        finally
        {
            Directory.Delete(empty);
        }

        Assert.Equal(1, result.ExitCode);
        string error = result.StandardError.Trim();
        Assert.StartsWith("fedsharp: MNIST was not found", error, StringComparison.Ordinal);
        Assert.Contains(empty, error, StringComparison.Ordinal);
        Assert.Contains("FEDSHARP_DATA", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Train_CorruptImagesFile_NamesTheFile()
    {
        string dir = Directory.CreateTempSubdirectory("fedsharp-corrupt-").FullName;
        try
        {
            foreach (string name in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
            {
                await File.WriteAllBytesAsync(Path.Combine(dir, name), [0, 0, 8, 3, 0, 0]);
            }

            ProcessResult result = await FedSharpProcess.RunAsync("train", "--data-dir", dir, "--epochs", "1");

            Assert.Equal(1, result.ExitCode);
            Assert.Contains(Path.Combine(dir, "train-images-idx3-ubyte"), result.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
