using FedSharp.Core.Models;
using FedSharp.Server.Aggregation;
using FedSharp.Server.Stores;

namespace FedSharp.Server.Strategies;

/// <summary>
/// Federated averaging (McMahan et al., 2017): the next model is Σ nᵢ·wᵢ / Σ nᵢ over the contributors, nᵢ being
/// each client's data size. Participants train from and evaluate the current global model.
/// </summary>
public sealed class FedAvg : IStrategy
{
    /// <inheritdoc />
    public TrainingPlan ConfigureTraining(int iteration, PublishedModel globalModel)
    {
        ArgumentNullException.ThrowIfNull(globalModel);
        return new TrainingPlan(iteration, globalModel);
    }

    /// <inheritdoc />
    public TrainingAggregation AggregateTraining(IterationAggregate aggregate, PublishedModel globalModel)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        ArgumentNullException.ThrowIfNull(globalModel);
        if (aggregate.TotalWeight <= 0)
        {
            return TrainingAggregation.Failure($"iteration {aggregate.Iteration} has a total weight of {aggregate.TotalWeight}; FedAvg needs at least one update with a positive data size.");
        }

        if (!aggregate.WeightedSum.HasSameLayout(globalModel.Parameters))
        {
            return TrainingAggregation.Failure($"the sum of iteration {aggregate.Iteration} has layout [{string.Join(", ", aggregate.WeightedSum.Tensors)}] but the global model has [{string.Join(", ", globalModel.Parameters.Tensors)}].");
        }

        // The aggregate is a snapshot the store handed over (IterationAggregate), so the mean is divided in place
        // rather than into a second model-sized buffer.
        float totalWeight = aggregate.TotalWeight;
        foreach (ParameterTensor sum in aggregate.WeightedSum.Tensors)
        {
            WeightedAverage.Divide(sum.Values, totalWeight, sum.Values);
            if (!WeightedAverage.AllFinite(sum.Values))
            {
                return TrainingAggregation.Failure($"tensor '{sum.Name}' of iteration {aggregate.Iteration} averaged to non-finite values; an update or the sum overflowed float32.");
            }
        }

        return TrainingAggregation.Success(aggregate.WeightedSum);
    }

    /// <inheritdoc />
    public EvaluationPlan? ConfigureEvaluation(int iteration, PublishedModel globalModel)
    {
        ArgumentNullException.ThrowIfNull(globalModel);
        return new EvaluationPlan(iteration, globalModel);
    }

    /// <inheritdoc />
    public EvaluationSummary AggregateEvaluation(IterationAggregate? aggregate)
        => aggregate is null
            ? new EvaluationSummary(null, null, 0)
            : new EvaluationSummary(aggregate.MeanLoss, aggregate.MeanAccuracy, aggregate.Contributors.Count);
}
