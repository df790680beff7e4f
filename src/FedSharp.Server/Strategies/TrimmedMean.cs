using FedSharp.Core.Models;
using FedSharp.Server.Aggregation;
using FedSharp.Server.Stores;

namespace FedSharp.Server.Strategies;

/// <summary>
/// Coordinate-wise trimmed mean (Yin, Chen, Ramchandran, Bartlett, ICML 2018; Flower's FedTrimmedAvg): for every value
/// of the model, the ⌊β·n⌋ highest and the ⌊β·n⌋ lowest of the n updates' values are dropped and the rest averaged.
/// Up to ⌊β·n⌋ Byzantine participants are cut off on whichever side they lie. Unweighted, like the median.
/// </summary>
/// <remarks>
/// With ⌊β·n⌋ = 0 (few participants, small β) nothing is cut and the result is the plain unweighted mean; the
/// configuration therefore refuses a β that cuts nobody at the iteration's threshold. Memory: every update whole
/// (4·P·n bytes), plus the new model (4·P) and one column of n floats. Time: O(P·n·log n).
/// </remarks>
public sealed class TrimmedMean : IStrategy
{
    /// <summary>Creates the aggregator.</summary>
    /// <param name="beta">Fraction cut from each end, in [0, 0.5).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is outside [0, 0.5).</exception>
    public TrimmedMean(double beta)
    {
        if (!(beta >= 0 && beta < 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "The trimmed mean cuts a fraction β in [0, 0.5) from each end; at 0.5 or more nothing would be left.");
        }

        Beta = beta;
    }

    /// <summary>β, the fraction cut from each end of every coordinate's values.</summary>
    public double Beta { get; }

    /// <inheritdoc />
    public Accumulator Accumulator => Accumulator.IndividualUpdates;

    /// <summary>⌊β·n⌋, the values cut from each end when <paramref name="participants"/> updates are aggregated.</summary>
    public int TrimCount(int participants) => (int)Math.Floor(Beta * participants);

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
        if (IndividualUpdatesCheck.Problem(nameof(TrimmedMean), aggregate, globalModel.Parameters) is { } problem)
        {
            return TrainingAggregation.Failure(problem);
        }

        IReadOnlyList<ClientUpdate> updates = aggregate.Updates;
        int trim = TrimCount(updates.Count);
        ModelParameters next = globalModel.Parameters.ZerosLike();
        float[] column = new float[updates.Count];
        for (int t = 0; t < next.Count; t++)
        {
            float[] destination = next[t].Values;
            float[][] sources = IndividualUpdatesCheck.TensorOfEach(updates, t);
            for (int i = 0; i < destination.Length; i++)
            {
                IndividualUpdatesCheck.Gather(sources, i, column);
                destination[i] = OrderStatistics.TrimmedMean(column, trim);
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
