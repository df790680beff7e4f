using FedSharp.Client.Training;
using FedSharp.Core.Models;
using FedSharp.Learning.Data;
using FedSharp.Learning.Optimizers;
using FedSharp.Learning.Training;

namespace FedSharp.Simulation.Tests;

public sealed class SplitEvaluationTests
{
    private static readonly LabeledDataset s_test =
        new DatasetLocator(new DatasetLocatorOptions { UseBundledSubset = true }).Locate().Load().Test;

    [Theory]
    [InlineData(64)]
    [InlineData(16)]
    public async Task EvaluateAsync_InParts_SameAccuracyAndLossAsOneEvaluation(int batchSize)
    {
        var models = ModelPool.ForZooModel("simple-cnn", 7);
        ModelParameters model = models.InitialParameters.Clone();
        EvaluationResult whole = EvaluateWhole(models, model, batchSize);
        var split = new SplitEvaluation(models, s_test, batchSize);

        EvaluationResult combined = await split.EvaluateAsync(model, TaskScheduler.Default, CancellationToken.None);

        Assert.True(split.Parts.Length > 1, $"{s_test.Count} test samples at batch size {batchSize} should make several parts.");
        Assert.Equal(s_test.Count, split.Parts.Sum(p => p.Count));
        Assert.Equal(whole.SampleCount, combined.SampleCount);
        Assert.Equal(whole.Accuracy, combined.Accuracy);
        Assert.Equal(whole.MeanLoss, combined.MeanLoss, 1e-9);
    }

    [Fact]
    public async Task EvaluateAsync_OneThreadOrThree_BitIdenticalLoss()
    {
        // Three threads finish the parts in an order that varies from run to run; the result must not.
        var models = ModelPool.ForZooModel("simple-cnn", 7);
        ModelParameters model = models.InitialParameters.Clone();
        var split = new SplitEvaluation(models, s_test, 16);
        EvaluationResult one;
        EvaluationResult three;

        using (var threads = new TrainingThreads(1))
        {
            one = await split.EvaluateAsync(model, threads, CancellationToken.None);
        }

        using (var threads = new TrainingThreads(3))
        {
            three = await split.EvaluateAsync(model, threads, CancellationToken.None);
        }

        Assert.Equal(one.Accuracy, three.Accuracy);
        Assert.Equal(BitConverter.DoubleToInt64Bits(one.MeanLoss), BitConverter.DoubleToInt64Bits(three.MeanLoss));
        Assert.Equal(one.SampleCount, three.SampleCount);
    }

    [Fact]
    public void Parts_FixedNumberOfBatchesEach_LastOneShorter()
    {
        var split = new SplitEvaluation(ModelPool.ForZooModel("simple-cnn", 7), s_test, 64);

        int partSize = 64 * SplitEvaluation.BatchesPerPart;
        Assert.Equal((s_test.Count + partSize - 1) / partSize, split.Parts.Length);
        Assert.All(split.Parts[..^1], p => Assert.Equal(partSize, p.Count));
        Assert.Equal(s_test.Count - (partSize * (split.Parts.Length - 1)), split.Parts[^1].Count);
    }

    [Fact]
    public void Parts_TestSetSmallerThanAPart_OnePart()
    {
        LabeledDataset tiny = s_test.Subset([.. Enumerable.Range(0, 100)]);

        var split = new SplitEvaluation(ModelPool.ForZooModel("simple-cnn", 7), tiny, 64);

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

    private static EvaluationResult EvaluateWhole(ModelPool models, ModelParameters model, int batchSize)
    {
        using ModelLease lease = models.Rent();
        lease.Model.ImportParameters(ModelParametersConversion.ToNamedTensors(model));
        return new Trainer(lease.Model, new Sgd(lease.Model.Parameters, new SgdOptions()), batchSize).Evaluate(s_test);
    }
}
