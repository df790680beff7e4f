using FedSharp.Server.Strategies;

namespace FedSharp.Server.Tests.Strategies;

public sealed class KrumTests
{
    [Fact]
    public void AggregateTraining_PicksTheUpdateClosestToItsNearestOthers()
    {
        // f = 1, n = 5: each score sums the n − f − 2 = 2 nearest squared distances (×6 coordinates):
        // 1.0 → 0.0025 + 0.01; 1.1 → 0.0025 + 0.01; 0.9 → 0.01 + 0.0225; 1.05 → 0.0025 + 0.0025; 50 → huge.
        var aggregate = IndividualUpdates.Of(Models.Filled(1.0f), Models.Filled(1.1f), Models.Filled(0.9f), Models.Filled(1.05f), Models.Filled(50));

        Assert.Equal(Enumerable.Repeat(1.05f, 6), IndividualUpdates.Succeeded(new Krum(byzantine: 1).AggregateTraining(aggregate, IndividualUpdates.Global)));
    }

    [Fact]
    public void AggregateTraining_OneSignFlippedOutlier_KrumPicksAnHonestUpdate_FedAvgDoesNot()
    {
        var aggregate = IndividualUpdates.Of(Models.Filled(1), Models.Filled(1.2f), Models.Filled(0.9f), Models.Filled(1.1f), Models.Filled(-10));

        float[] krum = IndividualUpdates.Succeeded(new Krum(byzantine: 1).AggregateTraining(aggregate, IndividualUpdates.Global));
        float[] fedAvg = IndividualUpdates.FedAvgOf(aggregate);

        Assert.All(krum, v => Assert.InRange(v, 0.9f, 1.2f));
        Assert.All(fedAvg, v => Assert.True(v < -1, $"FedAvg gave {v}; the attacker should drag it below zero."));
    }

    [Fact]
    public void AggregateTraining_EqualScores_TheLowerClientIdWins_WhateverTheArrivalOrder()
    {
        // f = 0, n = 3, one neighbour each: 0 and 1 both score 1 (×6), 3 scores 4.
        var first = IndividualUpdates.Of(("b", Models.Filled(0), 10), ("a", Models.Filled(1), 10), ("c", Models.Filled(3), 10));
        var second = IndividualUpdates.Of(("c", Models.Filled(3), 10), ("a", Models.Filled(1), 10), ("b", Models.Filled(0), 10));

        Assert.Equal(Enumerable.Repeat(1f, 6), IndividualUpdates.Succeeded(new Krum(0).AggregateTraining(first, IndividualUpdates.Global)));
        Assert.Equal(Enumerable.Repeat(1f, 6), IndividualUpdates.Succeeded(new Krum(0).AggregateTraining(second, IndividualUpdates.Global)));
    }

    [Fact]
    public void AggregateTraining_TooFewUpdatesForF_FailsNamingTheRuleAndTheFix()
    {
        var aggregate = IndividualUpdates.Of(Models.Filled(1), Models.Filled(2), Models.Filled(3), Models.Filled(4));

        TrainingAggregation result = new Krum(byzantine: 1).AggregateTraining(aggregate, IndividualUpdates.Global);

        Assert.False(result.Succeeded);
        Assert.Contains("f = 1 Byzantine clients needs n ≥ 2f + 3 = 5 updates", result.FailureReason, StringComparison.Ordinal);
        Assert.Contains("has 4", result.FailureReason, StringComparison.Ordinal);
        Assert.Contains("fedsharp.krum_byzantine", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void AggregateTraining_ReturnsACopy_TheStoredUpdateIsNotShared()
    {
        var aggregate = IndividualUpdates.Of(Models.Filled(1), Models.Filled(1), Models.Filled(1));

        TrainingAggregation result = new Krum(0).AggregateTraining(aggregate, IndividualUpdates.Global);

        Assert.True(result.Succeeded);
        Assert.DoesNotContain(aggregate.Updates, u => ReferenceEquals(u.Parameters[0].Values, result.Parameters[0].Values));
    }
}
