using FedSharp.Client.Training;
using FedSharp.Core.Models;
using FedSharp.Learning.Data;
using FedSharp.Learning.Models;

namespace FedSharp.Client.Tests.Training;

public sealed class LearningTrainerTests
{
    [Fact]
    public void Train_SeparableSyntheticData_LossDropsAndAccuracyRises()
    {
        var trainer = new LearningTrainer(ModelZoo.LogisticRegression, 1, SyntheticData.Create(300, seed: 10), SyntheticData.Create(100, seed: 11), new Random(5));
        LocalEvaluationResult before = trainer.Evaluate()!;
        var plan = new LocalTrainingPlan(1, Epochs: 1, BatchSize: 16, LearningRate: 0.05f);

        LocalTrainingResult first = trainer.Train(plan);
        LocalTrainingResult second = trainer.Train(plan with { Iteration = 2 });
        LocalEvaluationResult after = trainer.Evaluate()!;

        Assert.True(first.Succeeded);
        Assert.Equal(300, first.SampleCount);
        Assert.True(second.MeanLoss < first.MeanLoss, $"loss {first.MeanLoss} then {second.MeanLoss}");
        Assert.True(after.MeanLoss < before.MeanLoss, $"evaluation loss {before.MeanLoss} then {after.MeanLoss}");
        Assert.True(after.Accuracy > 0.9, $"accuracy {after.Accuracy}");
        Assert.Equal(100, after.SampleCount);
    }

    [Fact]
    public void Train_HugeLearningRate_ReportsFailureAndRestoresWeights()
    {
        var trainer = new LearningTrainer(ModelZoo.LogisticRegression, 1, SyntheticData.Create(200, seed: 12), null, new Random(5));
        ModelParameters before = trainer.GetParameters();

        LocalTrainingResult result = trainer.Train(new LocalTrainingPlan(4, Epochs: 3, BatchSize: 8, LearningRate: 3e38f, Momentum: 0.9f));

        Assert.False(result.Succeeded);
        Assert.False(double.IsFinite(result.MeanLoss));
        Assert.Contains("iteration 4", result.FailureReason);
        ModelAssert.BitEqual(before, trainer.GetParameters());
    }

    [Fact]
    public void Train_SameSeeds_GiveBitIdenticalWeights()
    {
        LabeledDataset data = SyntheticData.Create(100, seed: 13);
        var a = new LearningTrainer(ModelZoo.LogisticRegression, 1, data, null, new Random(9));
        var b = new LearningTrainer(ModelZoo.LogisticRegression, 1, data, null, new Random(9));
        var plan = new LocalTrainingPlan(1, 2, 10, 0.1f, Momentum: 0.5f, WeightDecay: 0.001f);

        a.Train(plan);
        b.Train(plan);

        ModelAssert.BitEqual(a.GetParameters(), b.GetParameters());
    }

    [Fact]
    public void Train_ClientsSharingAPool_BorrowOneModelAndKeepTheirOwnWeights()
    {
        ModelPool pool = ModelPool.ForZooModel(ModelZoo.LogisticRegression, 1);
        var first = new LearningTrainer(pool, SyntheticData.Create(100, seed: 14), null, new Random(1));
        var second = new LearningTrainer(pool, SyntheticData.Create(100, seed: 15), null, new Random(2));
        var alone = new LearningTrainer(ModelZoo.LogisticRegression, 1, SyntheticData.Create(100, seed: 14), null, new Random(1));
        var plan = new LocalTrainingPlan(1, 1, 10, 0.1f);

        first.Train(plan);
        second.Train(plan);
        alone.Train(plan);

        Assert.Equal(1, pool.CreatedCount);
        // The second client's training on the shared model must not leak into the first client's weights.
        ModelAssert.BitEqual(alone.GetParameters(), first.GetParameters());
        Assert.NotEqual(first.GetParameters()[0].Values, second.GetParameters()[0].Values);
    }

    [Fact]
    public void Rent_WhileAnotherLeaseIsOut_BuildsASecondModel()
    {
        ModelPool pool = ModelPool.ForZooModel(ModelZoo.LogisticRegression, 1);

        using (ModelLease first = pool.Rent())
        using (ModelLease second = pool.Rent())
        {
            Assert.NotSame(first.Model, second.Model);
        }

        using ModelLease third = pool.Rent();
        Assert.Equal(2, pool.CreatedCount);
    }

    [Fact]
    public void SetParameters_ThenGetParameters_IsBitExact()
    {
        var trainer = new LearningTrainer(ModelZoo.LogisticRegression, 1, SyntheticData.Create(10, seed: 16), null, new Random(1));
        ModelParameters other = ModelPool.ForZooModel(ModelZoo.LogisticRegression, 99).InitialParameters.Clone();
        other[1].Values[3] = -0f;

        trainer.SetParameters(other);

        ModelAssert.BitEqual(other, trainer.GetParameters());
    }

    [Fact]
    public void SetParameters_WrongArchitecture_ThrowsNamingTheTensor()
    {
        var trainer = new LearningTrainer(ModelZoo.LogisticRegression, 1, SyntheticData.Create(10, seed: 17), null, new Random(1));
        ModelParameters mlp = ModelPool.ForZooModel(ModelZoo.Mlp2nn, 1).InitialParameters;

        var ex = Assert.Throws<ArgumentException>(() => trainer.SetParameters(mlp));

        Assert.Contains("fc1.weight[200, 784]", ex.Message);
        Assert.Contains("linear.weight[10, 784]", ex.Message);
    }

    [Fact]
    public void Predict_AfterTraining_MatchesTheLabels()
    {
        LabeledDataset test = SyntheticData.Create(50, seed: 19);
        var trainer = new LearningTrainer(ModelZoo.LogisticRegression, 1, SyntheticData.Create(300, seed: 18), test, new Random(1));
        trainer.Train(new LocalTrainingPlan(1, 2, 16, 0.05f));
        int[] predicted = new int[test.Count];

        trainer.Predict(test.Features, predicted);

        int correct = predicted.Zip(test.Labels.ToArray()).Count(p => p.First == p.Second);
        Assert.True(correct >= 45, $"{correct} of 50 correct");
    }

    [Fact]
    public void Evaluate_WithoutTestData_IsNull()
    {
        var trainer = new LearningTrainer(ModelZoo.LogisticRegression, 1, SyntheticData.Create(10, seed: 20), null, new Random(1));

        Assert.Null(trainer.Evaluate());
        Assert.Equal(0, trainer.EvaluationDataSize);
        Assert.Equal(10, trainer.DataSize);
    }

    [Fact]
    public void Constructor_DataOfAnotherShape_Throws()
    {
        var data = new LabeledDataset(new float[3 * 32 * 32], [0], [3, 32, 32], 10);

        var ex = Assert.Throws<ArgumentException>(() => new LearningTrainer(ModelZoo.LogisticRegression, 1, data, null, new Random(1)));

        Assert.Contains("[3, 32, 32]", ex.Message);
    }
}
