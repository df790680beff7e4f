using FedSharp.Core.Models;
using FedSharp.Server.Stores;
using FedSharp.Server.Strategies;

namespace FedSharp.Server.Tests.Strategies;

public sealed class FedAvgTests
{
    private static IterationAggregate Aggregate(ModelParameters sum, long totalWeight, double lossSum = 0, long lossWeight = 0)
        => new(1, sum, totalWeight, ["a", "b"], lossSum, lossWeight, 0, 0);

    [Fact]
    public void AggregateTraining_WeightedSum_DividesByTotalWeight()
    {
        var strategy = new FedAvg();
        var global = new PublishedModel(0, Models.Filled(0));

        TrainingAggregation result = strategy.AggregateTraining(Aggregate(Models.Create(8, 4, 2, 1, 0, -8), 4), global);

        Assert.True(result.Succeeded);
        Assert.Equal([2f, 1f, 0.5f, 0.25f, 0f, -2f], Models.Flatten(result.Parameters));
        Assert.Equal("fc.weight", result.Parameters[0].Name);
        Assert.Equal([2, 2], result.Parameters[0].Shape.ToArray());
    }

    [Fact]
    public void AggregateTraining_ZeroWeight_FailsKeepingModel()
    {
        var strategy = new FedAvg();

        TrainingAggregation result = strategy.AggregateTraining(Aggregate(Models.Filled(0), 0), new PublishedModel(0, Models.Filled(0)));

        Assert.False(result.Succeeded);
        Assert.Contains("total weight of 0", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void AggregateTraining_LayoutDiffersFromGlobal_Fails()
    {
        var strategy = new FedAvg();
        var other = new ModelParameters([new ParameterTensor("w", [1], [1])]);

        TrainingAggregation result = strategy.AggregateTraining(Aggregate(Models.Filled(1), 1), new PublishedModel(0, other));

        Assert.False(result.Succeeded);
        Assert.Contains("layout", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void AggregateTraining_OverflowedSum_FailsNamingTensor()
    {
        var strategy = new FedAvg();

        TrainingAggregation result = strategy.AggregateTraining(Aggregate(Models.Create(1, 1, 1, 1, float.PositiveInfinity, 1), 2), new PublishedModel(0, Models.Filled(0)));

        Assert.False(result.Succeeded);
        Assert.Contains("'fc.bias'", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void AggregateEvaluation_ReportedLosses_DataSizeWeightedMean()
    {
        var strategy = new FedAvg();

        EvaluationSummary summary = strategy.AggregateEvaluation(Aggregate(Models.Filled(0), 4, lossSum: 6, lossWeight: 4));

        Assert.Equal(1.5, summary.Loss);
        Assert.Null(summary.Accuracy);
        Assert.Equal(2, summary.Participants);
    }

    [Fact]
    public void ConfigureTraining_GlobalModel_ParticipantsTrainFromIt()
    {
        var strategy = new FedAvg();
        var global = new PublishedModel(4, Models.Filled(3));

        TrainingPlan plan = strategy.ConfigureTraining(5, global);

        Assert.Equal(5, plan.Iteration);
        Assert.Same(global, plan.Model);
    }
}
