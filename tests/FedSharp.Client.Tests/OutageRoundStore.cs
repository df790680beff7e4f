using FedSharp.Server.Rounds;
using FedSharp.Server.Stores;

namespace FedSharp.Client.Tests;

/// <summary>
/// A round store that is unreachable until <see cref="DownUntil"/> on the test's clock, as a Redis connection drop
/// looks to the coordinator: every call throws, so the real server answers SYSTEM_ERROR.
/// </summary>
internal sealed class OutageRoundStore(IRoundStore inner, TimeProvider time) : IRoundStore
{
    /// <summary>The store fails every call while the clock is before this time; null for no outage.</summary>
    public DateTimeOffset? DownUntil { get; set; }

    public Task<RoundState?> GetAsync(CancellationToken cancellationToken)
    {
        ThrowIfDown();
        return inner.GetAsync(cancellationToken);
    }

    public Task<RoundSnapshot?> GetAsync(string clientId, CancellationToken cancellationToken)
    {
        ThrowIfDown();
        return inner.GetAsync(clientId, cancellationToken);
    }

    public Task<IReadOnlyList<ClientRegistration>> GetRegistrationsAsync(int iteration, CancellationToken cancellationToken)
    {
        ThrowIfDown();
        return inner.GetRegistrationsAsync(iteration, cancellationToken);
    }

    public Task<bool> TryCreateAsync(RoundState initial, CancellationToken cancellationToken)
    {
        ThrowIfDown();
        return inner.TryCreateAsync(initial, cancellationToken);
    }

    public Task<bool> TryUpdateAsync(RoundState state, IReadOnlyList<ClientRegistration> registrations, long expectedVersion, CancellationToken cancellationToken)
    {
        ThrowIfDown();
        return inner.TryUpdateAsync(state, registrations, expectedVersion, cancellationToken);
    }

    private void ThrowIfDown()
    {
        if (DownUntil is { } until && time.GetUtcNow() < until)
        {
            throw new TimeoutException($"The round store is unreachable until {until:O}.");
        }
    }
}
