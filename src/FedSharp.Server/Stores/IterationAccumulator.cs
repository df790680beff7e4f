using FedSharp.Core.Models;
using FedSharp.Server.Aggregation;

namespace FedSharp.Server.Stores;

/// <summary>One iteration's running sum in memory; the first update fixes the layout. Thread-safe.</summary>
internal sealed class IterationAccumulator
{
    private readonly Lock _gate = new();
    private readonly int _iteration;
    private readonly ModelParameters _sum;
    private readonly HashSet<string> _contributorSet = new(StringComparer.Ordinal);
    private readonly List<string> _contributors = [];
    private long _totalWeight;
    private double _lossWeightedSum;
    private long _lossWeight;
    private double _accuracyWeightedSum;
    private long _accuracyWeight;

    public IterationAccumulator(int iteration, ModelParameters layout)
    {
        _iteration = iteration;
        _sum = layout.ZerosLike();
    }

    /// <summary>Folds <paramref name="update"/> in; false when its client is already in the sum.</summary>
    public bool Add(ClientUpdate update)
    {
        if (!update.Parameters.HasSameLayout(_sum))
        {
            throw new ArgumentException(
                $"Update of client '{update.ClientId}' for iteration {_iteration} has layout [{string.Join(", ", update.Parameters.Tensors)}] but the iteration's sum has [{string.Join(", ", _sum.Tensors)}]; validate updates against the global model before adding them.",
                nameof(update));
        }

        lock (_gate)
        {
            if (!_contributorSet.Add(update.ClientId))
            {
                return false;
            }

            _contributors.Add(update.ClientId);
            float weight = update.DataSize;
            for (int t = 0; t < _sum.Count; t++)
            {
                WeightedAverage.Accumulate(update.Parameters[t].Values, weight, _sum[t].Values);
            }

            _totalWeight += update.DataSize;
            if (update.Loss is { } loss)
            {
                _lossWeightedSum += (double)loss * update.DataSize;
                _lossWeight += update.DataSize;
            }

            if (update.Accuracy is { } accuracy)
            {
                _accuracyWeightedSum += (double)accuracy * update.DataSize;
                _accuracyWeight += update.DataSize;
            }

            return true;
        }
    }

    public IterationAggregate Snapshot()
    {
        lock (_gate)
        {
            return new IterationAggregate(
                _iteration,
                _sum.Clone(),
                _totalWeight,
                [.. _contributors],
                _lossWeightedSum,
                _lossWeight,
                _accuracyWeightedSum,
                _accuracyWeight);
        }
    }
}
