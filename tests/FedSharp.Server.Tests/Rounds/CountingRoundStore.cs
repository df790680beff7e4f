using FedSharp.Server.Rounds;
using FedSharp.Server.Stores;

namespace FedSharp.Server.Tests.Rounds;

/// <summary>An in-memory round store that counts what each call reads and writes, as a remote store's round trips would.</summary>
internal sealed class CountingRoundStore : IRoundStore
{
    private readonly InMemoryRoundStore _inner = new();

    public int StateReads { get; private set; }

    public int SnapshotReads { get; private set; }

    public int RegistrationScans { get; private set; }

    public int CompareAndSets { get; private set; }

    public int RegistrationsWritten { get; private set; }

    public void Reset() => StateReads = SnapshotReads = RegistrationScans = CompareAndSets = RegistrationsWritten = 0;

    public Task<RoundState?> GetAsync(CancellationToken cancellationToken)
    {
        StateReads++;
        return _inner.GetAsync(cancellationToken);
    }

    public Task<RoundSnapshot?> GetAsync(string clientId, CancellationToken cancellationToken)
    {
        SnapshotReads++;
        return _inner.GetAsync(clientId, cancellationToken);
    }

    public Task<IReadOnlyList<ClientRegistration>> GetRegistrationsAsync(int iteration, CancellationToken cancellationToken)
    {
        RegistrationScans++;
        return _inner.GetRegistrationsAsync(iteration, cancellationToken);
    }

    public Task<bool> TryCreateAsync(RoundState initial, CancellationToken cancellationToken) => _inner.TryCreateAsync(initial, cancellationToken);

    public Task<bool> TryUpdateAsync(RoundState state, IReadOnlyList<ClientRegistration> registrations, long expectedVersion, CancellationToken cancellationToken)
    {
        CompareAndSets++;
        RegistrationsWritten += registrations.Count;
        return _inner.TryUpdateAsync(state, registrations, expectedVersion, cancellationToken);
    }
}
