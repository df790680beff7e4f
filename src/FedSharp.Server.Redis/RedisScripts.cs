namespace FedSharp.Server.Redis;

/// <summary>
/// Every Lua script FedSharp runs, in one place, with the keys and arguments each expects. Scripts are what makes a
/// read-decide-write step atomic on Redis (and on Garnet started with <c>--lua --lua-transaction-mode</c>). They take
/// "now" as an argument instead of reading the server's clock: the servers' injected <see cref="TimeProvider"/>
/// decides, so a Redis-backed store behaves exactly like the in-memory one and tests can drive the clock by hand.
/// Times are Unix milliseconds; Lua's numbers hold them exactly (they stay far below 2^53), and they are written back
/// with <c>string.format('%d')</c> because Redis's Lua 5.1 would otherwise format a number with 14 significant digits.
/// </summary>
internal static class RedisScripts
{
    /// <summary>
    /// Publishes a model only when its iteration is newer than the stored one.
    /// KEYS[1] = model hash. ARGV[1] = iteration, ARGV[2] = blob. Returns 1 when written, 0 when refused.
    /// </summary>
    public const string PublishModel = """
        local current = redis.call('HGET', KEYS[1], 'iteration')
        if current and tonumber(current) >= tonumber(ARGV[1]) then
          return 0
        end
        redis.call('HSET', KEYS[1], 'iteration', ARGV[1], 'blob', ARGV[2])
        return 1
        """;

    /// <summary>
    /// Takes the lease when it is absent or lapsed (with a new token from the counter), extends it when the caller
    /// already holds it, refuses otherwise.
    /// KEYS[1] = lease hash, KEYS[2] = fencing token counter. ARGV[1] = holder, ARGV[2] = now ms, ARGV[3] = duration ms,
    /// ARGV[4] = key TTL ms (duration + margin). Returns {token, expires ms} or nil.
    /// </summary>
    public const string AcquireLease = """
        local lease = redis.call('HMGET', KEYS[1], 'holder', 'token', 'expires_ms')
        local now = tonumber(ARGV[2])
        local expires = now + tonumber(ARGV[3])
        local token
        if lease[1] and tonumber(lease[3]) > now then
          if lease[1] ~= ARGV[1] then
            return false
          end
          token = tonumber(lease[2])
        else
          token = redis.call('INCR', KEYS[2])
        end
        redis.call('HSET', KEYS[1], 'holder', ARGV[1], 'token', string.format('%d', token), 'expires_ms', string.format('%d', expires))
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return {token, expires}
        """;

    /// <summary>
    /// Extends the lease when the caller still holds it with the same token and it has not lapsed.
    /// KEYS[1] = lease hash. ARGV[1] = holder, ARGV[2] = token, ARGV[3] = now ms, ARGV[4] = duration ms,
    /// ARGV[5] = key TTL ms. Returns the new expiry in ms, or nil.
    /// </summary>
    public const string RenewLease = """
        local lease = redis.call('HMGET', KEYS[1], 'holder', 'token', 'expires_ms')
        local now = tonumber(ARGV[3])
        if not lease[1] or lease[1] ~= ARGV[1] or tonumber(lease[2]) ~= tonumber(ARGV[2]) or tonumber(lease[3]) <= now then
          return false
        end
        local expires = now + tonumber(ARGV[4])
        redis.call('HSET', KEYS[1], 'expires_ms', string.format('%d', expires))
        redis.call('PEXPIRE', KEYS[1], ARGV[5])
        return expires
        """;

    /// <summary>
    /// Deletes the lease when the caller still holds it with the same token and it has not lapsed.
    /// KEYS[1] = lease hash. ARGV[1] = holder, ARGV[2] = token, ARGV[3] = now ms. Returns 1 when released, else 0.
    /// </summary>
    public const string ReleaseLease = """
        local lease = redis.call('HMGET', KEYS[1], 'holder', 'token', 'expires_ms')
        if not lease[1] or lease[1] ~= ARGV[1] or tonumber(lease[2]) ~= tonumber(ARGV[2]) or tonumber(lease[3]) <= tonumber(ARGV[3]) then
          return 0
        end
        redis.call('DEL', KEYS[1])
        return 1
        """;
}
