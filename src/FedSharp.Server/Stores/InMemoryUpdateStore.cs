using System.Collections.Concurrent;
using FedSharp.Core.Models;

namespace FedSharp.Server.Stores;

/// <summary>Running sums in process memory, one per open iteration; concurrent adds to one iteration serialize on its sum.</summary>
public sealed class InMemoryUpdateStore : IUpdateStore
{
    private readonly ConcurrentDictionary<int, IterationAccumulator> _accumulators = new();

    /// <inheritdoc />
    public Task<int> AddAsync(IReadOnlyList<ClientUpdate> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        cancellationToken.ThrowIfCancellationRequested();
        int added = 0;
        foreach (ClientUpdate update in updates)
        {
            ArgumentNullException.ThrowIfNull(update);
            IterationAccumulator accumulator = _accumulators.GetOrAdd(update.Iteration, static (iteration, layout) => new IterationAccumulator(iteration, layout), update.Parameters);
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
