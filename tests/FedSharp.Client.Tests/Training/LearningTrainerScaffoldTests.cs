using FedSharp.Client.Training;
using FedSharp.Core.Models;
using FedSharp.Learning.Models;
using FedSharp.Learning.Optimizers;

namespace FedSharp.Client.Tests.Training;

public sealed class LearningTrainerScaffoldTests
{
    [Fact]
    public void StrategyFields_ClaimsControlVariateAndLocalSteps()
    {
        Assert.Contains(StrategyFieldNames.ControlVariate, Trainer().StrategyFields);
        Assert.Contains(StrategyFieldNames.ReportLocalSteps, Trainer().StrategyFields);
    }

    [Fact]
    public void Train_TwoScaffoldIterations_ReportsDeltaAndKeepsTheControlVariateAsComputedByHand()
    {
        // 120 samples, batch 8, 2 epochs: K = 2·15 = 30 steps, η = 0.05. A fresh device has cᵢ = 0.
        LearningTrainer trainer = Trainer();
        ModelParameters global1 = trainer.GetParameters();
        ModelParameters c1 = Filled(global1, 0.01f);
        var plan = new LocalTrainingPlan(1, Epochs: 2, BatchSize: 8, LearningRate: 0.05f) { GlobalModel = global1, Strategy = Control(c1) };

        LocalTrainingResult first = trainer.Train(plan);

        // Δcᵢ = cᵢ⁺ − 0 = −c + (w_global − w_local)/(K·η).
        ModelParameters local1 = trainer.GetParameters();
        ModelParameters delta1 = first.Reported.Tensors!;
        Assert.Equal(global1.Tensors.Select(t => $"delta_c/{t.Name}"), delta1.Tensors.Select(t => t.Name));
        float[] expected1 = Expected(new float[global1.TotalLength], Flat(c1), Flat(global1), Flat(local1), 30, 0.05f);
        Assert.Equal(expected1, Flat(delta1));

        // The server counted the update: cᵢ is now expected1 (cᵢ⁺ of iteration 1), so iteration 2's Δcᵢ uses it.
        trainer.ContributionCounted(1);
        ModelParameters global2 = local1.Clone();
        ModelParameters c2 = Filled(global2, -0.02f);
        LocalTrainingResult second = trainer.Train(plan with { Iteration = 2, GlobalModel = global2, Strategy = Control(c2) });

        float[] clientControl = expected1;
        float[] expected2 = Expected(clientControl, Flat(c2), Flat(global2), Flat(trainer.GetParameters()), 30, 0.05f);
        Assert.True(second.Succeeded);
        Assert.Equal(expected2, Flat(second.Reported.Tensors!));
    }

    [Fact]
    public void Train_UpdateNotCounted_KeepsTheControlVariate()
    {
        // Two devices from the same state; the first's iteration-1 update is counted, the second's is not, so only the
        // first starts iteration 2 from cᵢ⁺ and their reports differ; the second reports as a fresh device would.
        LearningTrainer counted = Trainer();
        LearningTrainer refused = Trainer();
        LearningTrainer fresh = Trainer();
        ModelParameters global = counted.GetParameters();
        var plan = new LocalTrainingPlan(1, Epochs: 1, BatchSize: 8, LearningRate: 0.05f) { GlobalModel = global, Strategy = Control(Filled(global, 0.01f)) };
        counted.Train(plan);
        refused.Train(plan);
        counted.ContributionCounted(1);
        refused.ContributionCounted(2);

        var next = plan with { Iteration = 2 };
        counted.SetParameters(global);
        refused.SetParameters(global);
        fresh.Train(plan with { Strategy = Control(Filled(global, 0.5f)) });
        fresh.SetParameters(global);
        float[] fromCounted = Flat(counted.Train(next).Reported.Tensors!);
        float[] fromRefused = Flat(refused.Train(next).Reported.Tensors!);

        Assert.NotEqual(fromCounted, fromRefused);
        Assert.Equal(Flat(fresh.Train(next).Reported.Tensors!), fromRefused);
    }

    [Fact]
    public void Train_ScaffoldWithZeroControlVariates_TrainsAsPlainSgd()
    {
        LearningTrainer plain = Trainer();
        LearningTrainer scaffold = Trainer();
        var plan = new LocalTrainingPlan(1, Epochs: 1, BatchSize: 8, LearningRate: 0.05f) { GlobalModel = plain.GetParameters() };

        plain.Train(plan);
        scaffold.Train(plan with { Strategy = Control(Filled(plan.GlobalModel!, 0f)) });

        ModelAssert.BitEqual(plain.GetParameters(), scaffold.GetParameters());
    }

    [Fact]
    public void Train_ScaffoldControlVariate_MovesTheWeightsAgainstIt()
    {
        // With c − cᵢ = c > 0 on every weight, each of the K steps subtracts η·c more than plain SGD would: K·η·c in all.
        LearningTrainer plain = Trainer();
        LearningTrainer scaffold = Trainer();
        var plan = new LocalTrainingPlan(1, Epochs: 1, BatchSize: 40, LearningRate: 0.05f) { GlobalModel = plain.GetParameters() };

        plain.Train(plan);
        scaffold.Train(plan with { Strategy = Control(Filled(plan.GlobalModel!, 0.5f)) });

        // 3 steps·0.05·0.5 = 0.075, up to the different gradients the shifted weights see.
        float[] difference = [.. Flat(plain.GetParameters()).Zip(Flat(scaffold.GetParameters()), (a, b) => a - b)];
        Assert.All(difference, d => Assert.InRange(d, 0.05f, 0.1f));
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.9f)]
    public void Train_FedNovaPlan_ReportsStepsAndNormalizingCoefficient(float momentum)
    {
        LearningTrainer trainer = Trainer();
        var plan = new LocalTrainingPlan(1, Epochs: 3, BatchSize: 16, LearningRate: 0.05f, Momentum: momentum)
        {
            Strategy = new StrategyParameters(new Dictionary<string, double> { [StrategyFieldNames.ReportLocalSteps] = 1 }),
        };

        LocalTrainingResult result = trainer.Train(plan);

        // 120 samples in batches of 16: 8 steps per epoch, 24 in all.
        Assert.Equal(24, result.Reported.Scalars[StrategyFieldNames.LocalSteps]);
        Assert.Equal(FedNovaCoefficient.Compute(24, momentum), result.Reported.Scalars[StrategyFieldNames.NormalizingCoefficient]);
        Assert.Null(result.Reported.Tensors);
    }

    private static float[] Expected(float[] clientControl, float[] serverControl, float[] global, float[] local, int steps, float rate)
    {
        float[] next = new float[clientControl.Length];
        float[] delta = new float[clientControl.Length];
        ScaffoldOptimizer.UpdateClientControl(clientControl, serverControl, global, local, steps, rate, next, delta);
        return delta;
    }

    private static StrategyParameters Control(ModelParameters c)
        => new(new Dictionary<string, double>(), new ModelParameters(c.Tensors.Select(t => new ParameterTensor($"c/{t.Name}", [.. t.Shape], t.Values))));

    private static ModelParameters Filled(ModelParameters layout, float value)
        => new(layout.Tensors.Select(t => new ParameterTensor(t.Name, [.. t.Shape], Enumerable.Repeat(value, t.Length).ToArray())));

    private static float[] Flat(ModelParameters model) => [.. model.Tensors.SelectMany(t => t.Values)];

    private static LearningTrainer Trainer() => new(ModelZoo.LogisticRegression, 1, SyntheticData.Create(120, seed: 21), null, new Random(3));
}
