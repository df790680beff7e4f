using FedSharp.Core.Models;
using FedSharp.Server.Stores;
using FedSharp.Server.Strategies;

namespace FedSharp.Server.Tests.Strategies;

/// <summary>
/// The coordinator's path for one iteration, without the round rules: check the reported fields, review, prepare for
/// accumulation, add to an in-memory store, read the sum and aggregate. Updates carry their real data size.
/// </summary>
internal static class StrategyPipeline
{
    public static async Task<TrainingAggregation> AggregateAsync(IStrategy strategy, PublishedModel global, params ClientUpdate[] updates)
    {
        var store = new InMemoryUpdateStore(strategy.Accumulator.Kind);
        int iteration = updates[0].Iteration;
        foreach (ClientUpdate update in updates)
        {
            Assert.Null(strategy.CheckReportedFields(update, global.Parameters));
            if (strategy.ReviewsUpdates)
            {
                Assert.True(strategy.ReviewUpdate(update, global).Accepted);
            }

            UpdateReceipt receipt = Assert.Single(await store.AddAsync([strategy.PrepareForAccumulation(update)], CancellationToken.None));
            Assert.Equal(UpdateAdmission.Added, receipt.Admission);
        }

        IterationAggregate aggregate = (await store.ReadAsync(iteration, CancellationToken.None))!;
        return strategy.AggregateTraining(aggregate, global);
    }

    /// <summary>A one-tensor model "w" of the given values.</summary>
    public static ModelParameters Vector(params float[] values) => new([new ParameterTensor("w", [values.Length], values)]);

    /// <summary>Strategy tensors named <c>{field}/w</c>.</summary>
    public static StrategyParameters Tensors(string field, params float[] values)
        => new(new Dictionary<string, double>(), new ModelParameters([new ParameterTensor($"{field}/w", [values.Length], values)]));

    /// <summary>Strategy scalars.</summary>
    public static StrategyParameters Scalars(params (string Name, double Value)[] scalars)
        => new(scalars.ToDictionary(s => s.Name, s => s.Value));
}
