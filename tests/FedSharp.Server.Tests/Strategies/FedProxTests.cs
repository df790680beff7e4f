using FedSharp.Core.Models;
using FedSharp.Server.Stores;
using FedSharp.Server.Strategies;

namespace FedSharp.Server.Tests.Strategies;

public sealed class FedProxTests
{
    [Theory]
    [InlineData(0.01)]
    [InlineData(0)]
    public void ConfigureTraining_SendsMuInTheStrategyField(double mu)
    {
        var strategy = new FedProx(mu);
        var global = new PublishedModel(3, Models.Filled(1));

        TrainingPlan plan = strategy.ConfigureTraining(4, global);

        Assert.Same(global, plan.Model);
        Assert.Equal(mu, Assert.Single(plan.Parameters!.Scalars, s => s.Key == StrategyFieldNames.ProximalMu).Value);
        Assert.Equal(mu, plan.Parameters.ToMessage()!.Scalars[StrategyFieldNames.ProximalMu]);
    }

    [Fact]
    public void AggregateTraining_SameSum_BitIdenticalToFedAvg()
    {
        ModelParameters sum = Models.Create(1.1f, -7.3f, 3.3f, 0.7f, 1e-3f, 9.9f);
        var global = new PublishedModel(0, Models.Filled(0));

        TrainingAggregation prox = new FedProx(0.5).AggregateTraining(new IterationAggregate(1, sum.Clone(), 7, ["a"], 0, 0, 0, 0), global);
        TrainingAggregation avg = new FedAvg().AggregateTraining(new IterationAggregate(1, sum.Clone(), 7, ["a"], 0, 0, 0, 0), global);

        Assert.Equal(Models.Flatten(avg.Parameters!), Models.Flatten(prox.Parameters!));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Constructor_MuNegativeOrNotFinite_ThrowsNamingTheKey(double mu)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new FedProx(mu));

        Assert.Contains("aggregation.iid_rate", error.Message, StringComparison.Ordinal);
    }
}
