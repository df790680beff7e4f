using FedSharp.Client.Training;
using FedSharp.Core.Models;
using FedSharp.Learning.Data;
using FedSharp.Learning.Training;

namespace FedSharp.Simulation.Tests;

public sealed class SplitEvaluationTests
{
    private static readonly LabeledDataset s_test =
        new DatasetLocator(new DatasetLocatorOptions { UseBundledSubset = true }).Locate().Load().Test;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task EvaluateAsync_InParts_SameAccuracyAndLossAsOneEvaluation(int threads)
    {
        var models = ModelPool.ForZooModel("simple-cnn", 7);
        ModelParameters model = models.InitialParameters.Clone();
        EvaluationResult whole = await new SplitEvaluation(models, s_test, 1, 64).EvaluateAsync(model, TaskScheduler.Default, CancellationToken.None);
        var split = new SplitEvaluation(models, s_test, threads, 64);

        EvaluationResult combined = await split.EvaluateAsync(model, TaskScheduler.Default, CancellationToken.None);

        Assert.Equal(threads, split.Parts.Length);
        Assert.Equal(s_test.Count, split.Parts.Sum(p => p.Count));
        Assert.Equal(whole.SampleCount, combined.SampleCount);
        Assert.Equal(whole.Accuracy, combined.Accuracy);
        Assert.Equal(whole.MeanLoss, combined.MeanLoss, 1e-9);
    }

    [Fact]
    public void Parts_TestSetSmallerThanABatchPerThread_OnePart()
    {
        LabeledDataset tiny = s_test.Subset([.. Enumerable.Range(0, 100)]);

        var split = new SplitEvaluation(ModelPool.ForZooModel("simple-cnn", 7), tiny, 4, 64);

        Assert.Same(tiny, Assert.Single(split.Parts));
    }

    [Fact]
    public void Combine_CountsCorrectPredictionsExactlyAndWeightsLossBySize()
    {
        EvaluationResult combined = SplitEvaluation.Combine([new EvaluationResult(2.0 / 3, 0.5, 3), new EvaluationResult(1.0 / 7, 2.0, 7)]);

        Assert.Equal(0.3, combined.Accuracy);
        Assert.Equal((1.5 + 14.0) / 10, combined.MeanLoss, 1e-12);
        Assert.Equal(10, combined.SampleCount);
    }
}
