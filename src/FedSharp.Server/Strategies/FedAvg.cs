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

        float totalWeight = aggregate.TotalWeight;
        var tensors = new List<ParameterTensor>(aggregate.WeightedSum.Count);
        foreach (ParameterTensor sum in aggregate.WeightedSum.Tensors)
        {
            float[] mean = new float[sum.Length];
            WeightedAverage.Divide(sum.Values, totalWeight, mean);
            if (!WeightedAverage.AllFinite(mean))
            {
                return TrainingAggregation.Failure($"tensor '{sum.Name}' of iteration {aggregate.Iteration} averaged to non-finite values; an update or the sum overflowed float32.");
            }

            tensors.Add(new ParameterTensor(sum.Name, sum.Shape.ToArray(), mean));
        }

        return TrainingAggregation.Success(new ModelParameters(tensors));
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
