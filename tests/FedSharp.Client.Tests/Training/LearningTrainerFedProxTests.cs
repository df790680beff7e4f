using FedSharp.Client.Training;
using FedSharp.Core.Models;
using FedSharp.Learning.Models;

namespace FedSharp.Client.Tests.Training;

public sealed class LearningTrainerFedProxTests
{
    [Fact]
    public void StrategyFields_ClaimsProximalMu()
    {
        Assert.Contains(StrategyFieldNames.ProximalMu, Trainer().StrategyFields);
    }

    [Fact]
    public void Train_WithProximalMu_EndsCloserToTheGlobalModelThanPlainSgd()
    {
        LearningTrainer plain = Trainer();
        LearningTrainer prox = Trainer();
        ModelParameters global = plain.GetParameters();
        var plan = new LocalTrainingPlan(1, Epochs: 3, BatchSize: 8, LearningRate: 0.05f) { GlobalModel = global };

        Assert.True(plain.Train(plan).Succeeded);
        Assert.True(prox.Train(plan with { Strategy = Mu(1.0) }).Succeeded);

        double plainDistance = Distance(plain.GetParameters(), global);
        double proxDistance = Distance(prox.GetParameters(), global);
        Assert.True(proxDistance < 0.9 * plainDistance, $"FedProx drifted {proxDistance} from the global model, plain SGD {plainDistance}.");
    }

    [Fact]
    public void Train_ProximalMuZero_BitIdenticalToPlainSgd()
    {
        LearningTrainer plain = Trainer();
        LearningTrainer prox = Trainer();
        var plan = new LocalTrainingPlan(1, Epochs: 1, BatchSize: 8, LearningRate: 0.05f, Momentum: 0.9f, WeightDecay: 1e-5f) { GlobalModel = plain.GetParameters() };

        plain.Train(plan);
        prox.Train(plan with { Strategy = Mu(0) });

        ModelAssert.BitEqual(plain.GetParameters(), prox.GetParameters());
    }

    [Fact]
    public void Train_GlobalModelOfAnotherLayout_ThrowsNamingTheDifference()
    {
        LearningTrainer trainer = Trainer();
        var other = new ModelParameters([new ParameterTensor("w", [1], [0f])]);

        var error = Assert.Throws<ArgumentException>(() => trainer.Train(new LocalTrainingPlan(1, 1, 8, 0.05f) { Strategy = Mu(0.1), GlobalModel = other }));

        Assert.Contains("FedProx", error.Message, StringComparison.Ordinal);
    }

    private static StrategyParameters Mu(double mu) => new(new Dictionary<string, double> { [StrategyFieldNames.ProximalMu] = mu });

    private static LearningTrainer Trainer() => new(ModelZoo.LogisticRegression, 1, SyntheticData.Create(120, seed: 21), null, new Random(3));

    private static double Distance(ModelParameters a, ModelParameters b) =>
        Math.Sqrt(a.Tensors.Zip(b.Tensors).Sum(t => t.First.Values.Zip(t.Second.Values).Sum(v => Math.Pow(v.First - v.Second, 2))));
}
