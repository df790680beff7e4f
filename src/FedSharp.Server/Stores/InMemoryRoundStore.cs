using FedSharp.Server.Rounds;

namespace FedSharp.Server.Stores;

/// <summary>The round state in process memory: the embedded default for a single server.</summary>
public sealed class InMemoryRoundStore : IRoundStore
{
    private readonly Lock _gate = new();
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
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<bool> TryUpdateAsync(RoundState state, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_state is null || _state.Version != expectedVersion)
            {
                return Task.FromResult(false);
            }

            _state = state with { Version = expectedVersion + 1 };
            return Task.FromResult(true);
        }
    }
}
