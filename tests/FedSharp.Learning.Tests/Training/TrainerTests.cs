using FedSharp.Learning.Data;
using FedSharp.Learning.Models;
using FedSharp.Learning.Optimizers;
using FedSharp.Learning.Training;

namespace FedSharp.Learning.Tests.Training;

public sealed class TrainerTests
{
    [Fact]
    public void TrainEpoch_SeparableProblem_LearnsFarAboveChance()
    {
        LabeledDataset train = SyntheticClasses.Create(600, [1, 28, 28], 10, seed: 1, noise: 1.5f);
        LabeledDataset test = SyntheticClasses.Create(300, [1, 28, 28], 10, seed: 2, noise: 1.5f);
        Sequential model = ModelZoo.Create(ModelZoo.LogisticRegression, 3);
        var trainer = new Trainer(model, new Sgd(model.Parameters, new SgdOptions { LearningRate = 0.05f, Momentum = 0.9f }), 32);
        EvaluationResult before = trainer.Evaluate(test);
        var random = new Random(4);

        EpochResult first = trainer.TrainEpoch(train, random);
        EpochResult last = first;
        for (int epoch = 1; epoch < 4; epoch++)
        {
            last = trainer.TrainEpoch(train, random);
        }

        EvaluationResult after = trainer.Evaluate(test);
        Assert.InRange(before.Accuracy, 0, 0.3);
        Assert.True(after.Accuracy >= 0.9, $"accuracy {after.Accuracy} after 4 epochs, chance is 0.1");
        Assert.True(last.MeanLoss < first.MeanLoss, $"training loss went from {first.MeanLoss} to {last.MeanLoss}");
        Assert.True(after.MeanLoss < before.MeanLoss);
        Assert.Equal(300, after.SampleCount);
    }

    [Fact]
    public void TrainEpoch_SameSeedTwice_BitIdenticalWeights()
    {
        LabeledDataset data = SyntheticClasses.Create(150, [1, 28, 28], 10, seed: 5);

        int[] first = TrainSimpleCnn(data);
        int[] second = TrainSimpleCnn(data);

        Assert.Equal(first, second);
    }

    [Fact]
    public void TrainEpoch_PartialLastBatch_TrainsEverySampleOnce()
    {
        LabeledDataset data = SyntheticClasses.Create(70, [1, 28, 28], 10, seed: 6);
        Sequential model = ModelZoo.Create(ModelZoo.Mlp2nn, 7);
        var trainer = new Trainer(model, new Sgd(model.Parameters, new SgdOptions()), 32);

        EpochResult result = trainer.TrainEpoch(data, new Random(8));

        Assert.Equal(70, result.SampleCount);
        Assert.True(double.IsFinite(result.MeanLoss) && result.MeanLoss > 0);
    }

    [Fact]
    public void TrainBatch_SteadyStateSimpleCnnBatch64_AllocatesNothing()
    {
        LabeledDataset data = SyntheticClasses.Create(128, [1, 28, 28], 10, seed: 9);
        Sequential model = ModelZoo.Create(ModelZoo.SimpleCnn, 10);
        var optimizer = new Sgd(model.Parameters, new SgdOptions { LearningRate = 0.01f, Momentum = 0.9f, WeightDecay = 1e-5f });
        var trainer = new Trainer(model, optimizer, 64);
        ReadOnlySpan<float> features = data.Features;
        ReadOnlySpan<int> labels = data.Labels;
        int size = data.SampleSize;
        trainer.TrainBatch(features[..(64 * size)], labels[..64]);
        trainer.TrainBatch(features.Slice(64 * size, 20 * size), labels.Slice(64, 20));

        long before = GC.GetAllocatedBytesForCurrentThread();
        trainer.TrainBatch(features.Slice(64 * size, 64 * size), labels.Slice(64, 64));
        trainer.TrainBatch(features[..(20 * size)], labels[..20]);
        trainer.TrainBatch(features[..(64 * size)], labels[..64]);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Predict_TrainedModel_AgreesWithEvaluateAccuracy()
    {
        LabeledDataset data = SyntheticClasses.Create(90, [1, 28, 28], 10, seed: 11, noise: 1f);
        Sequential model = ModelZoo.Create(ModelZoo.LogisticRegression, 12);
        var trainer = new Trainer(model, new Sgd(model.Parameters, new SgdOptions { LearningRate = 0.05f }), 16);
        trainer.TrainEpoch(data, new Random(13));
        int[] predictions = new int[data.Count];

        trainer.Predict(data.Features, predictions);

        int hits = predictions.Where((p, i) => p == data.Labels[i]).Count();
        Assert.Equal(trainer.Evaluate(data).Accuracy, (double)hits / data.Count, 12);
    }

    [Fact]
    public void Evaluate_EmptyDataSet_ReturnsZeroSamples()
    {
        Sequential model = ModelZoo.Create(ModelZoo.LogisticRegression, 1);
        var trainer = new Trainer(model, new Sgd(model.Parameters, new SgdOptions()), 8);

        EvaluationResult result = trainer.Evaluate(new LabeledDataset([], [], [1, 28, 28], 10));

        Assert.Equal(new EvaluationResult(0, 0, 0), result);
    }

    [Fact]
    public void TrainEpoch_WrongSampleShape_ThrowsNamingBothShapes()
    {
        Sequential model = ModelZoo.Create(ModelZoo.SimpleCnn, 1);
        var trainer = new Trainer(model, new Sgd(model.Parameters, new SgdOptions()), 8);
        LabeledDataset data = SyntheticClasses.Create(4, [3, 32, 32], 10, seed: 1);

        var error = Assert.Throws<ArgumentException>(() => trainer.TrainEpoch(data, new Random(1)));

        Assert.Contains("[3, 32, 32]", error.Message);
        Assert.Contains("[1, 28, 28]", error.Message);
    }

    private static int[] TrainSimpleCnn(LabeledDataset data)
    {
        Sequential model = ModelZoo.Create(ModelZoo.SimpleCnn, 14);
        var trainer = new Trainer(model, new Sgd(model.Parameters, new SgdOptions { LearningRate = 0.01f, Momentum = 0.9f, Nesterov = true }), 64);
        trainer.TrainEpoch(data, new Random(15));
        return model.ExportParameters().SelectMany(t => t.Values).Select(BitConverter.SingleToInt32Bits).ToArray();
    }
}
