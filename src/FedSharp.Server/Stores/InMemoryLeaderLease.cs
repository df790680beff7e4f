namespace FedSharp.Server.Stores;

/// <summary>A lease in process memory, timed by the injected clock.</summary>
public sealed class InMemoryLeaderLease : ILeaderLease
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private LeaseGrant? _current;
    private long _lastToken;

    /// <summary>Creates a free lease whose expiries are read from <paramref name="time"/>.</summary>
    public InMemoryLeaderLease(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <inheritdoc />
    public Task<LeaseGrant?> TryAcquireAsync(string holderId, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(holderId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        cancellationToken.ThrowIfCancellationRequested();
        DateTimeOffset now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_current is not null && _current.ExpiresAt > now)
            {
                if (_current.HolderId != holderId)
                {
                    return Task.FromResult<LeaseGrant?>(null);
                }

                _current = _current with { ExpiresAt = now + duration };
                return Task.FromResult<LeaseGrant?>(_current);
            }

            _current = new LeaseGrant(holderId, ++_lastToken, now + duration);
            return Task.FromResult<LeaseGrant?>(_current);
        }
    }

    /// <inheritdoc />
    public Task<LeaseGrant?> TryRenewAsync(LeaseGrant grant, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grant);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        cancellationToken.ThrowIfCancellationRequested();
        DateTimeOffset now = _time.GetUtcNow();
        lock (_gate)
        {
            if (!Holds(grant, now))
            {
                return Task.FromResult<LeaseGrant?>(null);
            }

            _current = grant with { ExpiresAt = now + duration };
            return Task.FromResult<LeaseGrant?>(_current);
        }
    }

    /// <inheritdoc />
    public Task<bool> ReleaseAsync(LeaseGrant grant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grant);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!Holds(grant, _time.GetUtcNow()))
            {
                return Task.FromResult(false);
            }

            _current = null;
            return Task.FromResult(true);
        }
    }

    private bool Holds(LeaseGrant grant, DateTimeOffset now)
        => _current is not null && _current.FencingToken == grant.FencingToken && _current.HolderId == grant.HolderId && _current.ExpiresAt > now;
}
