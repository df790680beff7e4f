using FedSharp.Server.Strategies;

namespace FedSharp.Server.Tests.Strategies;

public sealed class FedMedianTests
{
    private readonly FedMedian _median = new();

    [Fact]
    public void AggregateTraining_OddCount_TakesTheMiddleValuePerCoordinate()
    {
        var aggregate = IndividualUpdates.Of(Models.Create(1, 2, 3, 4, 5, 6), Models.Create(2, 3, 4, 5, 6, 7), Models.Create(9, -9, 9, -9, 9, -9));

        Assert.Equal([2f, 2f, 4f, 4f, 6f, 6f], IndividualUpdates.Succeeded(_median.AggregateTraining(aggregate, IndividualUpdates.Global)));
    }

    [Fact]
    public void AggregateTraining_EvenCount_AveragesTheTwoMiddleValues()
    {
        var aggregate = IndividualUpdates.Of(Models.Filled(1), Models.Filled(2), Models.Filled(4), Models.Filled(100));

        Assert.Equal(Enumerable.Repeat(3f, 6), IndividualUpdates.Succeeded(_median.AggregateTraining(aggregate, IndividualUpdates.Global)));
    }

    [Fact]
    public void AggregateTraining_Ties_GiveTheTiedValue()
    {
        var aggregate = IndividualUpdates.Of(Models.Filled(2), Models.Filled(5), Models.Filled(2));

        Assert.Equal(Enumerable.Repeat(2f, 6), IndividualUpdates.Succeeded(_median.AggregateTraining(aggregate, IndividualUpdates.Global)));
    }

    [Fact]
    public void AggregateTraining_OneSignFlippedOutlier_MedianStaysWithTheHonest_FedAvgDoesNot()
    {
        // Global 0; honest updates near 1; the attacker sends 0 − 10·(1 − 0) = −10.
        var aggregate = IndividualUpdates.Of(Models.Filled(1), Models.Filled(1.2f), Models.Filled(0.9f), Models.Filled(1.1f), Models.Filled(-10));

        float[] median = IndividualUpdates.Succeeded(_median.AggregateTraining(aggregate, IndividualUpdates.Global));
        float[] fedAvg = IndividualUpdates.FedAvgOf(aggregate);

        Assert.Equal(Enumerable.Repeat(1f, 6), median);
        Assert.All(fedAvg, v => Assert.True(v < -1, $"FedAvg gave {v}; the attacker should drag it below zero."));
    }

    [Fact]
    public void AggregateTraining_DataSizes_DoNotWeigh()
    {
        // A client claiming 1,000,000 samples gets no more say than the others.
        var aggregate = IndividualUpdates.Of(("liar", Models.Filled(50), 1_000_000), ("a", Models.Filled(1), 10), ("b", Models.Filled(2), 10));

        Assert.Equal(Enumerable.Repeat(2f, 6), IndividualUpdates.Succeeded(_median.AggregateTraining(aggregate, IndividualUpdates.Global)));
    }

    [Fact]
    public void AggregateTraining_NoIndividualUpdates_FailsNamingTheAccumulator()
    {
        TrainingAggregation result = _median.AggregateTraining(IndividualUpdates.Of(Array.Empty<Core.Models.ModelParameters>()), IndividualUpdates.Global);

        Assert.False(result.Succeeded);
        Assert.Contains("IndividualUpdates", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Accumulator_KeepsEveryUpdate_MemoryBoundIsOneModelPerParticipant()
    {
        Assert.Equal(AccumulatorKind.IndividualUpdates, _median.Accumulator.Kind);
        Assert.Equal(4L * 44_426 * 10, _median.Accumulator.MemoryBoundBytes(44_426, 10));
    }
}
