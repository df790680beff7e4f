using FedSharp.Core.Models;
using FedSharp.Server.Aggregation;
using FedSharp.Server.Strategies;

namespace FedSharp.Server.Redis;

/// <summary>
/// One server's share of one iteration's sum: Σ nᵢ·wᵢ (or the ring sum) over the updates this server added, with the
/// scalars an <see cref="Stores.IterationAggregate"/> needs. <see cref="RedisUpdateStore"/> keeps one per open
/// iteration in memory and its encoding (<see cref="UpdateBlobFormat"/>) in Redis; <see cref="Count"/> is the
/// compare-and-set token of that blob. Not thread-safe: the store's group commit is its only writer.
/// </summary>
internal sealed class PartialSum
{
    public PartialSum(AccumulatorKind kind, int iteration, ModelParameters sum)
    {
        Kind = kind;
        Iteration = iteration;
        Sum = sum;
    }

    public AccumulatorKind Kind { get; }

    public int Iteration { get; }

    /// <summary>The sum, in the updates' layout; ring words in the floats' bits for <see cref="AccumulatorKind.RingSum"/>.</summary>
    public ModelParameters Sum { get; }

    public int Count { get; set; }

    public long TotalWeight { get; set; }

    public double LossWeightedSum { get; set; }

    public long LossWeight { get; set; }

    public double AccuracyWeightedSum { get; set; }

    public long AccuracyWeight { get; set; }

    public static PartialSum Empty(AccumulatorKind kind, int iteration, ModelParameters layout) => new(kind, iteration, layout.ZerosLike());

    public PartialSum Clone() => new(Kind, Iteration, Sum.Clone())
    {
        Count = Count,
        TotalWeight = TotalWeight,
        LossWeightedSum = LossWeightedSum,
        LossWeight = LossWeight,
        AccuracyWeightedSum = AccuracyWeightedSum,
        AccuracyWeight = AccuracyWeight,
    };

    /// <summary>Folds <paramref name="update"/> in exactly as <c>IterationAccumulator</c> does, so one server alone sums bit for bit like the in-memory store.</summary>
    public void Add(ClientUpdate update)
    {
        for (int t = 0; t < Sum.Count; t++)
        {
            if (Kind == AccumulatorKind.RingSum)
            {
                RingSum.Accumulate(update.Parameters[t].Values, Sum[t].Values);
            }
            else
            {
                WeightedAverage.Accumulate(update.Parameters[t].Values, update.DataSize, Sum[t].Values);
            }
        }

        Count++;
        TotalWeight += update.DataSize;
        if (update.Loss is { } loss)
        {
            LossWeightedSum += (double)loss * update.DataSize;
            LossWeight += update.DataSize;
        }

        if (update.Accuracy is { } accuracy)
        {
            AccuracyWeightedSum += (double)accuracy * update.DataSize;
            AccuracyWeight += update.DataSize;
        }
    }

    /// <summary>Adds another server's partial of the same iteration and layout: float adds, or ring adds modulo 2³².</summary>
    public void Combine(PartialSum other)
    {
        for (int t = 0; t < Sum.Count; t++)
        {
            if (Kind == AccumulatorKind.RingSum)
            {
                RingSum.Accumulate(other.Sum[t].Values, Sum[t].Values);
            }
            else
            {
                // other·1 + sum is exact in the product, so this is a plain float add whether or not it is fused.
                WeightedAverage.Accumulate(other.Sum[t].Values, 1f, Sum[t].Values);
            }
        }

        Count += other.Count;
        TotalWeight += other.TotalWeight;
        LossWeightedSum += other.LossWeightedSum;
        LossWeight += other.LossWeight;
        AccuracyWeightedSum += other.AccuracyWeightedSum;
        AccuracyWeight += other.AccuracyWeight;
    }
}
