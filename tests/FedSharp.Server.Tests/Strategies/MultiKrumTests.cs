using FedSharp.Server.Strategies;

namespace FedSharp.Server.Tests.Strategies;

public sealed class MultiKrumTests
{
    private static readonly Core.Models.ModelParameters[] s_fourHonestOneFar =
        [Models.Filled(1.0f), Models.Filled(1.1f), Models.Filled(0.9f), Models.Filled(1.05f), Models.Filled(50)];

    [Fact]
    public void AggregateTraining_AveragesTheMBestScores_Unweighted()
    {
        // f = 1, m = 4: every update but the far one, averaged without data sizes: (1 + 1.1 + 0.9 + 1.05) / 4.
        var aggregate = IndividualUpdates.Of(("a", s_fourHonestOneFar[0], 1), ("b", s_fourHonestOneFar[1], 500), ("c", s_fourHonestOneFar[2], 7), ("d", s_fourHonestOneFar[3], 9), ("e", s_fourHonestOneFar[4], 10));

        float[] model = IndividualUpdates.Succeeded(new MultiKrum(byzantine: 1, selected: 4).AggregateTraining(aggregate, IndividualUpdates.Global));

        Assert.All(model, v => Assert.Equal(1.0125f, v, 0.00001f));
    }

    [Fact]
    public void AggregateTraining_SelectedZero_AveragesNMinusF()
    {
        float[] model = IndividualUpdates.Succeeded(new MultiKrum(byzantine: 1, selected: 0).AggregateTraining(IndividualUpdates.Of(s_fourHonestOneFar), IndividualUpdates.Global));

        Assert.All(model, v => Assert.Equal(1.0125f, v, 0.00001f));
    }

    [Fact]
    public void AggregateTraining_SelectedOne_IsKrum()
    {
        var aggregate = IndividualUpdates.Of(s_fourHonestOneFar);

        Assert.Equal(
            IndividualUpdates.Succeeded(new Krum(1).AggregateTraining(aggregate, IndividualUpdates.Global)),
            IndividualUpdates.Succeeded(new MultiKrum(1, 1).AggregateTraining(aggregate, IndividualUpdates.Global)));
    }

    [Fact]
    public void AggregateTraining_OneSignFlippedOutlier_MultiKrumLeavesItOut_FedAvgDoesNot()
    {
        var aggregate = IndividualUpdates.Of(Models.Filled(1), Models.Filled(1.2f), Models.Filled(0.8f), Models.Filled(1.0f), Models.Filled(-10));

        float[] multiKrum = IndividualUpdates.Succeeded(new MultiKrum(1, 0).AggregateTraining(aggregate, IndividualUpdates.Global));
        float[] fedAvg = IndividualUpdates.FedAvgOf(aggregate);

        Assert.All(multiKrum, v => Assert.Equal(1f, v, 0.00001f));
        Assert.All(fedAvg, v => Assert.True(v < -1, $"FedAvg gave {v}; the attacker should drag it below zero."));
    }

    [Fact]
    public void AggregateTraining_MoreSelectedThanHonest_FailsNamingTheKey()
    {
        TrainingAggregation result = new MultiKrum(byzantine: 1, selected: 5).AggregateTraining(IndividualUpdates.Of(s_fourHonestOneFar), IndividualUpdates.Global);

        Assert.False(result.Succeeded);
        Assert.Contains("m = 5", result.FailureReason, StringComparison.Ordinal);
        Assert.Contains("n − f = 4", result.FailureReason, StringComparison.Ordinal);
        Assert.Contains("fedsharp.multi_krum_selected", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void AggregateTraining_TooFewUpdatesForF_Fails()
    {
        TrainingAggregation result = new MultiKrum(byzantine: 2, selected: 0).AggregateTraining(IndividualUpdates.Of(s_fourHonestOneFar), IndividualUpdates.Global);

        Assert.False(result.Succeeded);
        Assert.Contains("2f + 3 = 7", result.FailureReason, StringComparison.Ordinal);
    }
}
