using FedSharp.Core.Models;
using FedSharp.Server.Aggregation;
using FedSharp.Server.Stores;

namespace FedSharp.Server.Strategies;

/// <summary>
/// Multi-Krum (Blanchard et al., NeurIPS 2017): the m updates with the lowest Krum scores (see <see cref="Krum"/>) are
/// averaged into the next model, unweighted as in the paper; m = n − f when not given. It needs n ≥ 2f + 3 updates and
/// m ≤ n − f; an iteration that breaks either fails and keeps the previous model.
/// </summary>
/// <remarks>
/// The average is unweighted because a client's data size is its own claim, which a Byzantine client would inflate to
/// dominate the mean (Flower's MultiKrum weights by it). Memory: every update whole (4·P·n bytes), the n×n distance
/// matrix (8·n² bytes) and the new model (4·P).
/// </remarks>
public sealed class MultiKrum : IStrategy
{
    /// <summary>Creates the aggregator.</summary>
    /// <param name="byzantine">f, the Byzantine clients to tolerate, ≥ 0.</param>
    /// <param name="selected">m, the updates averaged, ≥ 1; 0 for n − f.</param>
    public MultiKrum(int byzantine, int selected)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byzantine);
        ArgumentOutOfRangeException.ThrowIfNegative(selected);
        Byzantine = byzantine;
        Selected = selected;
    }

    /// <summary>f, the Byzantine clients tolerated.</summary>
    public int Byzantine { get; }

    /// <summary>m, the updates averaged; 0 means n − f.</summary>
    public int Selected { get; }

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
        if (IndividualUpdatesCheck.Problem(nameof(MultiKrum), aggregate, globalModel.Parameters) is { } problem)
        {
            return TrainingAggregation.Failure(problem);
        }

        int n = aggregate.Updates.Count;
        if (KrumSelection.TooFew(nameof(MultiKrum), n, Byzantine) is { } tooFew)
        {
            return TrainingAggregation.Failure($"iteration {aggregate.Iteration}: {tooFew}");
        }

        int m = Selected == 0 ? n - Byzantine : Selected;
        if (m > n - Byzantine)
        {
            return TrainingAggregation.Failure(
                $"iteration {aggregate.Iteration}: MultiKrum averages m = {m} updates but with n = {n} updates and f = {Byzantine} at most n − f = {n - Byzantine} can be honest; lower 'fedsharp.multi_krum_selected' (0 means n − f).");
        }

        int[] ranked = KrumSelection.Rank(aggregate.Updates, Byzantine, out _);
        ModelParameters next = globalModel.Parameters.ZerosLike();
        for (int k = 0; k < m; k++)
        {
            ClientUpdate update = aggregate.Updates[ranked[k]];
            for (int t = 0; t < next.Count; t++)
            {
                WeightedAverage.Accumulate(update.Parameters[t].Values, 1f, next[t].Values);
            }
        }

        foreach (ParameterTensor tensor in next.Tensors)
        {
            WeightedAverage.Divide(tensor.Values, m, tensor.Values);
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
