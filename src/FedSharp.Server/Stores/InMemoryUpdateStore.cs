using System.Collections.Concurrent;
using FedSharp.Core.Models;
using FedSharp.Server.Strategies;

namespace FedSharp.Server.Stores;

/// <summary>Accumulators in process memory, one per open iteration; concurrent adds to one iteration serialize on it.</summary>
/// <param name="kind">How updates are held: the strategy's <see cref="IStrategy.Accumulator"/>. Default the weighted sum.</param>
public sealed class InMemoryUpdateStore(AccumulatorKind kind = AccumulatorKind.WeightedSum) : IUpdateStore
{
    private readonly ConcurrentDictionary<int, IterationAccumulator> _accumulators = new();
    private int _closedThrough;

    /// <inheritdoc />
    public AccumulatorKind Kind { get; } = Enum.IsDefined(kind) ? kind : throw new ArgumentOutOfRangeException(nameof(kind), kind, "Use one of the AccumulatorKind values.");

    /// <inheritdoc />
    public Task<IReadOnlyList<UpdateReceipt>> AddAsync(IReadOnlyList<ClientUpdate> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        cancellationToken.ThrowIfCancellationRequested();
        var receipts = new UpdateReceipt[updates.Count];
        for (int i = 0; i < updates.Count; i++)
        {
            ClientUpdate update = updates[i];
            ArgumentNullException.ThrowIfNull(update);
            if (update.Iteration <= Volatile.Read(ref _closedThrough))
            {
                receipts[i] = new UpdateReceipt(UpdateAdmission.IterationClosed, 0);
                continue;
            }

            IterationAccumulator accumulator = _accumulators.GetOrAdd(update.Iteration, static (iteration, state) => new IterationAccumulator(iteration, state.Parameters, state.Kind), (update.Parameters, Kind));
            receipts[i] = accumulator.Add(update);
            if (update.Iteration <= Volatile.Read(ref _closedThrough))
            {
                // Discarded while this update was being added: the accumulator it went into is gone with the iteration.
                _accumulators.TryRemove(update.Iteration, out _);
                receipts[i] = new UpdateReceipt(UpdateAdmission.IterationClosed, 0);
            }
        }

        return Task.FromResult<IReadOnlyList<UpdateReceipt>>(receipts);
    }

    /// <inheritdoc />
    public Task<IterationAggregate?> ReadAsync(int iteration, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_accumulators.TryGetValue(iteration, out IterationAccumulator? accumulator) ? accumulator.Snapshot() : null);
    }

    /// <inheritdoc />
    public Task DiscardAsync(int iteration, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        int closed;
        do
        {
            closed = Volatile.Read(ref _closedThrough);
        }
        while (iteration > closed && Interlocked.CompareExchange(ref _closedThrough, iteration, closed) != closed);

        foreach (int open in _accumulators.Keys)
        {
            if (open <= iteration)
            {
                _accumulators.TryRemove(open, out _);
            }
        }

        return Task.CompletedTask;
    }
}
