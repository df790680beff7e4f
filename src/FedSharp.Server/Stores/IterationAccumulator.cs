using FedSharp.Core.Models;
using FedSharp.Server.Aggregation;
using FedSharp.Server.Strategies;

namespace FedSharp.Server.Stores;

/// <summary>One iteration's accumulator in memory, of the store's <see cref="AccumulatorKind"/>; the first update fixes the layout. Thread-safe.</summary>
internal sealed class IterationAccumulator
{
    private readonly AccumulatorKind _kind;
    private readonly List<ClientUpdate> _updates = [];
    private readonly Lock _gate = new();
    private readonly int _iteration;
    private readonly ModelParameters? _sum;
    private readonly HashSet<string> _contributorSet = new(StringComparer.Ordinal);
    private readonly List<string> _contributors = [];
    private long _totalWeight;
    private double _lossWeightedSum;
    private long _lossWeight;
    private double _accuracyWeightedSum;
    private long _accuracyWeight;

    public IterationAccumulator(int iteration, ModelParameters layout, AccumulatorKind kind)
    {
        _iteration = iteration;
        _kind = kind;
        // The buffer keeps whole updates and no sum; its first update is the layout the others are checked against.
        _sum = kind == AccumulatorKind.IndividualUpdates ? null : layout.ZerosLike();
    }

    /// <summary>Folds <paramref name="update"/> in, unless its client is already in the sum; either way says how many updates it holds.</summary>
    public UpdateReceipt Add(ClientUpdate update)
    {
        lock (_gate)
        {
            ModelParameters? layout = _sum ?? (_updates.Count > 0 ? _updates[0].Parameters : null);
            if (layout is not null && !update.Parameters.HasSameLayout(layout))
            {
                throw new ArgumentException(
                    $"Update of client '{update.ClientId}' for iteration {_iteration} has layout [{string.Join(", ", update.Parameters.Tensors)}] but the iteration's earlier updates have [{string.Join(", ", layout.Tensors)}]; validate updates against the global model before adding them.",
                    nameof(update));
            }

            if (!_contributorSet.Add(update.ClientId))
            {
                return new UpdateReceipt(UpdateAdmission.AlreadyHeld, _contributors.Count);
            }

            _contributors.Add(update.ClientId);
            switch (_kind)
            {
                case AccumulatorKind.WeightedSum:
                    float weight = update.DataSize;
                    for (int t = 0; t < _sum!.Count; t++)
                    {
                        WeightedAverage.Accumulate(update.Parameters[t].Values, weight, _sum[t].Values);
                    }

                    break;
                case AccumulatorKind.RingSum:
                    for (int t = 0; t < _sum!.Count; t++)
                    {
                        RingSum.Accumulate(update.Parameters[t].Values, _sum[t].Values);
                    }

                    break;
                default:
                    // The caller may reuse the update's buffers once it is acknowledged, so the buffer keeps a copy.
                    _updates.Add(new ClientUpdate(update.ClientId, update.Iteration, update.Parameters.Clone(), update.DataSize, update.Loss, update.Accuracy, update.Strategy));
                    break;
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

            return new UpdateReceipt(UpdateAdmission.Added, _contributors.Count);
        }
    }

    public IterationAggregate Snapshot()
    {
        lock (_gate)
        {
            return new IterationAggregate(
                _iteration,
                _sum?.Clone() ?? _updates[0].Parameters.ZerosLike(),
                _totalWeight,
                [.. _contributors],
                _lossWeightedSum,
                _lossWeight,
                _accuracyWeightedSum,
                _accuracyWeight,
                [.. _updates]);
        }
    }
}
