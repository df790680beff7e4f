using FedSharp.Core.Models;
using FedSharp.Server.Stores;

namespace FedSharp.Server.Strategies;

/// <summary>
/// Krum (Blanchard, El Mhamdi, Guerraoui, Stainer, NeurIPS 2017): the next model is the one update whose summed squared
/// distance to its n − f − 2 nearest other updates is smallest, f being the Byzantine clients to tolerate. It needs
/// n ≥ 2f + 3 updates; an iteration with fewer fails and keeps the previous model. Unweighted: data sizes play no part
/// (as in the paper), and the chosen client's update becomes the model as it is.
/// </summary>
/// <remarks>
/// Memory: every update whole (<see cref="Accumulator.IndividualUpdates"/>, 4·P·n bytes), the n×n distance matrix
/// (8·n² bytes) and the new model (4·P). Time: n(n−1)/2 distances of P values each, through the SIMD kernel
/// <see cref="Aggregation.PairwiseDistance"/>, blocked so that each update is read from memory once.
/// </remarks>
public sealed class Krum : IStrategy
{
    /// <summary>Creates the aggregator.</summary>
    /// <param name="byzantine">f, the Byzantine clients to tolerate, ≥ 0.</param>
    public Krum(int byzantine)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byzantine);
        Byzantine = byzantine;
    }

    /// <summary>f, the Byzantine clients tolerated.</summary>
    public int Byzantine { get; }

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
        if (IndividualUpdatesCheck.Problem(nameof(Krum), aggregate, globalModel.Parameters) is { } problem)
        {
            return TrainingAggregation.Failure(problem);
        }

        if (KrumSelection.TooFew(nameof(Krum), aggregate.Updates.Count, Byzantine) is { } tooFew)
        {
            return TrainingAggregation.Failure($"iteration {aggregate.Iteration}: {tooFew}");
        }

        int[] ranked = KrumSelection.Rank(aggregate.Updates, Byzantine, out _);
        ClientUpdate chosen = aggregate.Updates[ranked[0]];
        return TrainingAggregation.Success(chosen.Parameters.Clone());
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
