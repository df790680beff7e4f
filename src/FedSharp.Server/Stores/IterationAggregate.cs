using FedSharp.Core.Models;

namespace FedSharp.Server.Stores;

/// <summary>
/// A snapshot of one iteration's running sum: Σ nᵢ·wᵢ over the updates added so far, Σ nᵢ, who contributed, and
/// the weighted sums of the losses and accuracies they reported.
/// </summary>
public sealed class IterationAggregate
{
    /// <summary>Creates a snapshot; the store hands over copies it no longer touches.</summary>
    public IterationAggregate(
        int iteration,
        ModelParameters weightedSum,
        long totalWeight,
        IReadOnlyList<string> contributors,
        double lossWeightedSum,
        long lossWeight,
        double accuracyWeightedSum,
        long accuracyWeight,
        IReadOnlyList<ClientUpdate>? updates = null)
    {
        ArgumentNullException.ThrowIfNull(weightedSum);
        ArgumentNullException.ThrowIfNull(contributors);
        Iteration = iteration;
        WeightedSum = weightedSum;
        TotalWeight = totalWeight;
        Contributors = contributors;
        LossWeightedSum = lossWeightedSum;
        LossWeight = lossWeight;
        AccuracyWeightedSum = accuracyWeightedSum;
        AccuracyWeight = accuracyWeight;
        Updates = updates ?? [];
    }

    /// <summary>
    /// Every update whole, in the order added, when the store holds individual updates
    /// (<see cref="Strategies.AccumulatorKind.IndividualUpdates"/>); empty otherwise.
    /// </summary>
    public IReadOnlyList<ClientUpdate> Updates { get; }

    /// <summary>The iteration.</summary>
    public int Iteration { get; }

    /// <summary>
    /// Σ nᵢ·wᵢ, tensor by tensor, in the layout of the updates; with <see cref="Strategies.AccumulatorKind.RingSum"/> the
    /// unweighted sum modulo 2³² of the updates' 32-bit words, held in the floats' bits; zeros with
    /// <see cref="Strategies.AccumulatorKind.IndividualUpdates"/>.
    /// </summary>
    public ModelParameters WeightedSum { get; }

    /// <summary>Σ nᵢ, the data sizes of the contributors.</summary>
    public long TotalWeight { get; }

    /// <summary>Ids of the clients whose updates are in the sum, in the order they were added.</summary>
    public IReadOnlyList<string> Contributors { get; }

    /// <summary>Σ nᵢ·lossᵢ over the contributors that reported a loss.</summary>
    public double LossWeightedSum { get; }

    /// <summary>Σ nᵢ over the contributors that reported a loss.</summary>
    public long LossWeight { get; }

    /// <summary>Σ nᵢ·accuracyᵢ over the contributors that reported an accuracy.</summary>
    public double AccuracyWeightedSum { get; }

    /// <summary>Σ nᵢ over the contributors that reported an accuracy.</summary>
    public long AccuracyWeight { get; }

    /// <summary>The data-size-weighted mean loss, or null when nobody reported one.</summary>
    public double? MeanLoss => LossWeight > 0 ? LossWeightedSum / LossWeight : null;

    /// <summary>The data-size-weighted mean accuracy, or null when nobody reported one.</summary>
    public double? MeanAccuracy => AccuracyWeight > 0 ? AccuracyWeightedSum / AccuracyWeight : null;
}
