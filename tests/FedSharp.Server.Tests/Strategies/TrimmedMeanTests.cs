using FedSharp.Server.Strategies;

namespace FedSharp.Server.Tests.Strategies;

public sealed class TrimmedMeanTests
{
    [Fact]
    public void AggregateTraining_BetaOfFive_CutsOneFromEachEnd()
    {
        // ⌊0.2 · 5⌋ = 1: −50 and 70 are cut, 1, 2 and 3 averaged.
        var aggregate = IndividualUpdates.Of(Models.Filled(1), Models.Filled(70), Models.Filled(2), Models.Filled(-50), Models.Filled(3));

        Assert.Equal(Enumerable.Repeat(2f, 6), IndividualUpdates.Succeeded(new TrimmedMean(0.2).AggregateTraining(aggregate, IndividualUpdates.Global)));
    }

    [Fact]
    public void AggregateTraining_EvenCount_CutsPerCoordinate()
    {
        // ⌊0.25 · 4⌋ = 1 per end, chosen coordinate by coordinate: the outliers sit in different clients per value.
        var aggregate = IndividualUpdates.Of(Models.Create(1, 9, 1, 1, 1, 1), Models.Create(2, 2, 2, 2, 2, 2), Models.Create(3, 3, -9, 3, 3, 3), Models.Create(1000, 1, 4, 4, 4, 4));

        Assert.Equal([2.5f, 2.5f, 1.5f, 2.5f, 2.5f, 2.5f], IndividualUpdates.Succeeded(new TrimmedMean(0.25).AggregateTraining(aggregate, IndividualUpdates.Global)));
    }

    [Fact]
    public void AggregateTraining_OneSignFlippedOutlier_TrimmedMeanStaysWithTheHonest_FedAvgDoesNot()
    {
        var aggregate = IndividualUpdates.Of(Models.Filled(1), Models.Filled(1.2f), Models.Filled(0.8f), Models.Filled(1.1f), Models.Filled(-10));

        float[] trimmed = IndividualUpdates.Succeeded(new TrimmedMean(0.2).AggregateTraining(aggregate, IndividualUpdates.Global));
        float[] fedAvg = IndividualUpdates.FedAvgOf(aggregate);

        // −10 and 1.2 are cut; (0.8 + 1 + 1.1) / 3.
        Assert.All(trimmed, v => Assert.Equal(0.96667f, v, 0.0001f));
        Assert.All(fedAvg, v => Assert.True(v < -1, $"FedAvg gave {v}; the attacker should drag it below zero."));
    }

    [Fact]
    public void TrimCount_IsFloorOfBetaTimesParticipants()
    {
        var trimmed = new TrimmedMean(0.2);

        Assert.Equal(0, trimmed.TrimCount(4));
        Assert.Equal(1, trimmed.TrimCount(5));
        Assert.Equal(2, trimmed.TrimCount(10));
    }

    [Fact]
    public void AggregateTraining_BetaCutsNobody_IsTheUnweightedMean()
    {
        var aggregate = IndividualUpdates.Of(("a", Models.Filled(1), 1), ("b", Models.Filled(2), 1000), ("c", Models.Filled(6), 1));

        Assert.Equal(Enumerable.Repeat(3f, 6), IndividualUpdates.Succeeded(new TrimmedMean(0.1).AggregateTraining(aggregate, IndividualUpdates.Global)));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void Constructor_BetaOutsideZeroToHalf_Throws(double beta)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrimmedMean(beta));
    }
}
