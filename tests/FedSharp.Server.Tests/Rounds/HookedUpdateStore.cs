using FedSharp.Core.Models;
using FedSharp.Server.Stores;

namespace FedSharp.Server.Tests.Rounds;

/// <summary>An in-memory update store that runs a hook before each add, to make something happen between accepting an update and adding it.</summary>
internal sealed class HookedUpdateStore : IUpdateStore
{
    private readonly InMemoryUpdateStore _inner = new();

    public Func<Task>? BeforeAdd { get; set; }

    public async Task<IReadOnlyList<UpdateReceipt>> AddAsync(IReadOnlyList<ClientUpdate> updates, CancellationToken cancellationToken)
    {
        if (BeforeAdd is { } hook)
        {
            await hook();
        }

        return await _inner.AddAsync(updates, cancellationToken);
    }

    public Task<IterationAggregate?> ReadAsync(int iteration, CancellationToken cancellationToken) => _inner.ReadAsync(iteration, cancellationToken);

    public Task DiscardAsync(int iteration, CancellationToken cancellationToken) => _inner.DiscardAsync(iteration, cancellationToken);
}
