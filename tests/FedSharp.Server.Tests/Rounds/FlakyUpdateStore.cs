using FedSharp.Core.Models;
using FedSharp.Server.Stores;

namespace FedSharp.Server.Tests.Rounds;

/// <summary>An in-memory update store whose next N adds fail, as a store that lost its connection would.</summary>
internal sealed class FlakyUpdateStore(int failingAdds) : IUpdateStore
{
    private readonly InMemoryUpdateStore _inner = new();
    private int _failuresLeft = failingAdds;

    public Task<IReadOnlyList<UpdateReceipt>> AddAsync(IReadOnlyList<ClientUpdate> updates, CancellationToken cancellationToken)
        => Interlocked.Decrement(ref _failuresLeft) >= 0
            ? throw new IOException("The update store connection dropped.")
            : _inner.AddAsync(updates, cancellationToken);

    public Task<IterationAggregate?> ReadAsync(int iteration, CancellationToken cancellationToken) => _inner.ReadAsync(iteration, cancellationToken);

    public Task DiscardAsync(int iteration, CancellationToken cancellationToken) => _inner.DiscardAsync(iteration, cancellationToken);
}
