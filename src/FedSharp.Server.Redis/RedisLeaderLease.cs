using FedSharp.Server.Stores;
using StackExchange.Redis;

namespace FedSharp.Server.Redis;

/// <summary>
/// The leader lease in Redis, shared by every server of a cluster. Acquire, renew and release are each one Lua script,
/// so two servers can never both hold it. The fencing token comes from a counter key that has no TTL: it keeps growing
/// across holders, releases and lapses, even after the lease key itself has expired.
/// </summary>
/// <remarks>
/// Whether a lease has lapsed is decided by the caller's <see cref="TimeProvider"/>, passed to the script as "now",
/// never by Redis's own clock or key expiry. That makes this lease behave exactly like
/// <see cref="InMemoryLeaderLease"/> (one contract test suite for both, driven by a manual clock) and keeps one
/// notion of time across the round engine. It assumes the servers' clocks agree to well within a lease duration
/// (NTP); the fencing token is what protects the stores if they do not. The lease key still gets a Redis PEXPIRE of
/// duration + <see cref="RedisStoreOptions.LeaseKeyExpiryMargin"/>, only as a safety net: a holder that died, or whose
/// clock ran far ahead, cannot leave the key (and so the lease) behind forever. Times have millisecond resolution.
/// </remarks>
public sealed class RedisLeaderLease : ILeaderLease
{
    private readonly IDatabase _database;
    private readonly RedisKeys _keys;
    private readonly TimeProvider _time;
    private readonly long _marginMs;
    private readonly string _addresses;

    /// <summary>Uses <paramref name="connection"/> (from <see cref="RedisConnector"/>) with the database, key prefix and expiry margin of <paramref name="options"/>.</summary>
    /// <param name="connection">The shared connection.</param>
    /// <param name="options">The database, key prefix and <see cref="RedisStoreOptions.LeaseKeyExpiryMargin"/>; validated here.</param>
    /// <param name="time">The clock that decides when a lease lapses.</param>
    public RedisLeaderLease(IConnectionMultiplexer connection, RedisStoreOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        options.ThrowIfInvalid();
        _database = connection.GetDatabase(options.Database);
        _keys = new RedisKeys(options.KeyPrefix);
        _time = time;
        _marginMs = (long)Math.Ceiling(options.LeaseKeyExpiryMargin.TotalMilliseconds);
        _addresses = string.Join(", ", options.Endpoints);
    }

    /// <inheritdoc />
    /// <exception cref="RedisStoreException">Redis failed.</exception>
    public async Task<LeaseGrant?> TryAcquireAsync(string holderId, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(holderId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        cancellationToken.ThrowIfCancellationRequested();
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        long durationMs = Milliseconds(duration);
        RedisResult result = await RunAsync(
            RedisScripts.AcquireLease, [_keys.Leader, _keys.LeaderFencingToken], [holderId, now, durationMs, durationMs + _marginMs], "Acquiring", cancellationToken);
        if (result.IsNull)
        {
            return null;
        }

        var tokenAndExpiry = (long[])result!;
        return new LeaseGrant(holderId, tokenAndExpiry[0], DateTimeOffset.FromUnixTimeMilliseconds(tokenAndExpiry[1]));
    }

    /// <inheritdoc />
    /// <exception cref="RedisStoreException">Redis failed.</exception>
    public async Task<LeaseGrant?> TryRenewAsync(LeaseGrant grant, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grant);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        cancellationToken.ThrowIfCancellationRequested();
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        long durationMs = Milliseconds(duration);
        RedisResult result = await RunAsync(
            RedisScripts.RenewLease, [_keys.Leader], [grant.HolderId, grant.FencingToken, now, durationMs, durationMs + _marginMs], "Renewing", cancellationToken);
        return result.IsNull ? null : grant with { ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds((long)result) };
    }

    /// <inheritdoc />
    /// <exception cref="RedisStoreException">Redis failed.</exception>
    public async Task<bool> ReleaseAsync(LeaseGrant grant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grant);
        cancellationToken.ThrowIfCancellationRequested();
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        RedisResult result = await RunAsync(RedisScripts.ReleaseLease, [_keys.Leader], [grant.HolderId, grant.FencingToken, now], "Releasing", cancellationToken);
        return (long)result == 1;
    }

    // A duration below a millisecond still holds the lease for one: a zero-length lease would be lapsed when granted.
    private static long Milliseconds(TimeSpan duration) => Math.Max(1, (long)Math.Ceiling(duration.TotalMilliseconds));

    private async Task<RedisResult> RunAsync(string script, RedisKey[] keys, RedisValue[] arguments, string action, CancellationToken cancellationToken)
    {
        try
        {
            return await _database.ScriptEvaluateAsync(script, keys, arguments).WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new RedisStoreException($"{action} the leader lease at '{_keys.Leader}' on Redis at {_addresses} failed ({ex.Message}); check that Redis is reachable and runs Lua scripts.", ex);
        }
    }
}
