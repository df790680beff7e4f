using FedSharp.Core.Models;
using FedSharp.Server.Aggregation;
using FedSharp.Server.Stores;

namespace FedSharp.Server.Strategies;

/// <summary>
/// Coordinate-wise median (Yin, Chen, Ramchandran, Bartlett, ICML 2018; Flower's FedMedian): every value of the next
/// model is the median of that value across the iteration's updates, so fewer than half the participants, however
/// far off, cannot drag it outside the range of the honest values. An even count takes the mean of the two middle
/// values. Unweighted: a client's claimed data size does not count, because a Byzantine client would lie about it.
/// </summary>
/// <remarks>
/// Memory: every update whole (<see cref="Accumulator.IndividualUpdates"/>, 4·P·n bytes), plus the new model (4·P) and
/// one column of n floats. Time: O(P·n·log n).
/// </remarks>
public sealed class FedMedian : IStrategy
{
    /// <inheritdoc />
    public Accumulator Accumulator => Accumulator.IndividualUpdates;

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
        if (IndividualUpdatesCheck.Problem(nameof(FedMedian), aggregate, globalModel.Parameters) is { } problem)
        {
            return TrainingAggregation.Failure(problem);
        }

        IReadOnlyList<ClientUpdate> updates = aggregate.Updates;
        ModelParameters next = globalModel.Parameters.ZerosLike();
        float[] column = new float[updates.Count];
        for (int t = 0; t < next.Count; t++)
        {
            float[] destination = next[t].Values;
            float[][] sources = IndividualUpdatesCheck.TensorOfEach(updates, t);
            for (int i = 0; i < destination.Length; i++)
            {
                IndividualUpdatesCheck.Gather(sources, i, column);
                destination[i] = OrderStatistics.Median(column);
            }
        }

        return TrainingAggregation.Success(next);
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
