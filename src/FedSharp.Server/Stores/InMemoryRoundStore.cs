using FedSharp.Server.Rounds;

namespace FedSharp.Server.Stores;

/// <summary>The round state in process memory: the embedded default for a single server.</summary>
public sealed class InMemoryRoundStore : IRoundStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ClientRegistration> _registrations = new(StringComparer.Ordinal);
    private RoundState? _state;

    /// <inheritdoc />
    public Task<RoundState?> GetAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(_state);
        }
    }

    /// <inheritdoc />
    public Task<RoundSnapshot?> GetAsync(string clientId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(_state is null ? null : new RoundSnapshot(_state, _registrations.GetValueOrDefault(clientId)));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ClientRegistration>> GetRegistrationsAsync(int iteration, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            IReadOnlyList<ClientRegistration> registrations = _state is not null && _state.Iteration == iteration ? [.. _registrations.Values] : [];
            return Task.FromResult(registrations);
        }
    }

    /// <inheritdoc />
    public Task<bool> TryCreateAsync(RoundState initial, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(initial);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_state is not null)
            {
                return Task.FromResult(false);
            }

            _state = initial with { Version = 1 };
            _registrations.Clear();
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<bool> TryUpdateAsync(RoundState state, IReadOnlyList<ClientRegistration> registrations, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(registrations);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_state is null || _state.Version != expectedVersion)
            {
                return Task.FromResult(false);
            }

            if (state.Iteration != _state.Iteration)
            {
                _registrations.Clear();
            }

            foreach (ClientRegistration registration in registrations)
            {
                if (registration.Iteration == state.Iteration)
                {
                    _registrations[registration.ClientId] = registration;
                }
            }

            _state = state with { Version = expectedVersion + 1 };
            return Task.FromResult(true);
        }
    }
}
