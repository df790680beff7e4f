using System.Collections.Concurrent;
using FedSharp.Core.Models;
using FedSharp.Server.Strategies;

namespace FedSharp.Server.Stores;

/// <summary>Accumulators in process memory, one per open iteration; concurrent adds to one iteration serialize on it.</summary>
/// <param name="kind">How updates are held: the strategy's <see cref="IStrategy.Accumulator"/>. Default the weighted sum.</param>
public sealed class InMemoryUpdateStore(AccumulatorKind kind = AccumulatorKind.WeightedSum) : IUpdateStore
{
    private readonly ConcurrentDictionary<int, IterationAccumulator> _accumulators = new();

    /// <inheritdoc />
    public AccumulatorKind Kind { get; } = Enum.IsDefined(kind) ? kind : throw new ArgumentOutOfRangeException(nameof(kind), kind, "Use one of the AccumulatorKind values.");

    /// <inheritdoc />
    public Task<int> AddAsync(IReadOnlyList<ClientUpdate> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        cancellationToken.ThrowIfCancellationRequested();
        int added = 0;
        foreach (ClientUpdate update in updates)
        {
            ArgumentNullException.ThrowIfNull(update);
            IterationAccumulator accumulator = _accumulators.GetOrAdd(update.Iteration, static (iteration, state) => new IterationAccumulator(iteration, state.Parameters, state.Kind), (update.Parameters, Kind));
            if (accumulator.Add(update))
            {
                added++;
            }
        }

        return Task.FromResult(added);
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
        _accumulators.TryRemove(iteration, out _);
        return Task.CompletedTask;
    }
}
