using FedSharp.Core.Models;
using FedSharp.Server.Aggregation;
using FedSharp.Server.Stores;
using FedSharp.Server.Strategies;

namespace FedSharp.Server.Tests.Strategies;

/// <summary>Aggregates of individual updates for the robust aggregators' tests, and FedAvg on the same updates.</summary>
internal static class IndividualUpdates
{
    public static readonly PublishedModel Global = new(0, Models.Filled(0));

    /// <summary>Updates from clients "c0", "c1", … with data size 10 each.</summary>
    public static IterationAggregate Of(params ModelParameters[] updates) =>
        Of([.. updates.Select((u, i) => ($"c{i}", u, 10))]);

    public static IterationAggregate Of(params (string Id, ModelParameters Parameters, int DataSize)[] updates)
    {
        ClientUpdate[] list = [.. updates.Select(u => new ClientUpdate(u.Id, 1, u.Parameters, u.DataSize))];
        return new IterationAggregate(1, Models.Filled(0), list.Sum(u => (long)u.DataSize), [.. list.Select(u => u.ClientId)], 0, 0, 0, 0, list);
    }

    /// <summary>FedAvg's model from the same updates, through its weighted-sum path.</summary>
    public static float[] FedAvgOf(IterationAggregate individual)
    {
        ModelParameters sum = Models.Filled(0);
        foreach (ClientUpdate update in individual.Updates)
        {
            for (int t = 0; t < sum.Count; t++)
            {
                WeightedAverage.Accumulate(update.Parameters[t].Values, update.DataSize, sum[t].Values);
            }
        }

        var weighted = new IterationAggregate(1, sum, individual.TotalWeight, individual.Contributors, 0, 0, 0, 0);
        TrainingAggregation result = new FedAvg().AggregateTraining(weighted, Global);
        Assert.True(result.Succeeded, result.FailureReason);
        return Models.Flatten(result.Parameters);
    }

    public static float[] Succeeded(TrainingAggregation result)
    {
        Assert.True(result.Succeeded, result.FailureReason);
        return Models.Flatten(result.Parameters);
    }
}
