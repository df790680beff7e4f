namespace FedSharp.Server.Strategies;

/// <summary>How an iteration's accepted updates are held until the strategy aggregates them.</summary>
public enum AccumulatorKind
{
    /// <summary>
    /// Σ nᵢ·wᵢ in float32, each update folded in on arrival and dropped (FedAvg and every strategy that is a weighted
    /// mean). Memory: one model, whatever the number of participants.
    /// </summary>
    WeightedSum,

    /// <summary>
    /// The element-wise sum modulo 2³² of the updates' 32-bit words, unweighted: masked updates of secure aggregation,
    /// whose pairwise masks cancel only in the ring. Memory: one model.
    /// </summary>
    RingSum,

    /// <summary>
    /// Every update kept whole, for robust aggregators (median, trimmed mean, Krum) that need them all.
    /// Memory: one model per participant.
    /// </summary>
    IndividualUpdates,
}
