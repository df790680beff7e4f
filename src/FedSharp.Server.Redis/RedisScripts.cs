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
    /// <summary>
    /// Reads the round state and one client's registration together, so a request sees both as of one moment.
    /// KEYS[1] = round hash, KEYS[2] = registrations hash. ARGV[1] = client id.
    /// Returns nil when no state exists, else {version, state JSON, packed registration or ''}.
    /// </summary>
    public const string ReadRound = """
        local state = redis.call('HMGET', KEYS[1], 'version', 'state')
        if not state[1] then
          return false
        end
        local registration = redis.call('HGET', KEYS[2], ARGV[1])
        return {state[1], state[2] or '', registration or ''}
        """;

    /// <summary>
    /// Reads every registration when <c>iteration</c> is the current one.
    /// KEYS[1] = round hash, KEYS[2] = registrations hash. ARGV[1] = iteration.
    /// Returns the flat HGETALL reply (client id, packed registration, …), empty for another iteration.
    /// </summary>
    public const string ReadRegistrations = """
        if redis.call('HGET', KEYS[1], 'iteration') ~= ARGV[1] then
          return {}
        end
        return redis.call('HGETALL', KEYS[2])
        """;

    /// <summary>
    /// Creates the round state as version 1 when none exists, dropping registrations a wiped state left behind.
    /// KEYS[1] = round hash, KEYS[2] = registrations hash. ARGV[1] = iteration, ARGV[2] = state JSON.
    /// Returns 1 when created, 0 when a state already exists.
    /// </summary>
    public const string CreateRound = """
        if redis.call('EXISTS', KEYS[1]) == 1 then
          return 0
        end
        redis.call('UNLINK', KEYS[2])
        redis.call('HSET', KEYS[1], 'version', '1', 'iteration', ARGV[1], 'state', ARGV[2])
        return 1
        """;

    /// <summary>
    /// Compare-and-set of the round state: when the stored version is the expected one, writes the state as the next
    /// version, unlinks the registrations hash if the iteration changed (UNLINK frees a large hash off Redis's main
    /// thread, so the script's cost does not grow with the number of clients) and writes the given registrations.
    /// KEYS[1] = round hash, KEYS[2] = registrations hash. ARGV[1] = expected version, ARGV[2] = iteration,
    /// ARGV[3] = state JSON, then pairs of client id and packed registration (already of ARGV[2]'s iteration, one per
    /// client). Returns 1 when written, 0 when the version differs (nothing written).
    /// </summary>
    public const string UpdateRound = """
        local stored = redis.call('HMGET', KEYS[1], 'version', 'iteration')
        if not stored[1] or tonumber(stored[1]) ~= tonumber(ARGV[1]) then
          return 0
        end
        if stored[2] ~= ARGV[2] then
          redis.call('UNLINK', KEYS[2])
        end
        redis.call('HSET', KEYS[1], 'version', string.format('%d', tonumber(ARGV[1]) + 1), 'iteration', ARGV[2], 'state', ARGV[3])
        for i = 4, #ARGV, 2 do
          redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
        end
        return 1
        """;

    /// <summary>
    /// Adds one server's group commit to the iterations' sums, all or nothing. It first checks what the server assumed:
    /// every iteration is above the watermark, this server's partial sum in Redis is the one it folded into (its count
    /// is the expected one) and no client is already a contributor. If any check fails it writes nothing and says
    /// which, so the server recomputes without the refused updates and retries. Otherwise it appends the clients to
    /// the contributors in order (value = 1-based order added, so the hash's length is the held count) and writes the
    /// server's new partial sum and its count (or, for individual updates, each client's update blob).
    /// KEYS[1] = watermark, KEYS[2] = iterations zset, then per group g (1-based) KEYS[3g] = contributors,
    /// KEYS[3g+1] = blobs, KEYS[3g+2] = counts.
    /// ARGV[1] = server id, ARGV[2] = 'sum' or 'individual', ARGV[3] = group count, then per group: iteration,
    /// expected count, partial blob ('' for individual), n, n client ids and, for individual, n update blobs.
    /// Returns {1, watermark, held after, …per group} when written, or {0, watermark, then per group: status
    /// (0 ok, 1 closed, 2 partial sum stale), held, stored count, stored partial blob or '', k, k already-held client ids}.
    /// </summary>
    public const string AddUpdates = """
        local watermark = tonumber(redis.call('GET', KEYS[1]) or '0')
        local server = ARGV[1]
        local individual = ARGV[2] == 'individual'
        local groups = {}
        local a = 4
        for g = 1, tonumber(ARGV[3]) do
          local group = {contributors = KEYS[3 * g], blobs = KEYS[3 * g + 1], counts = KEYS[3 * g + 2],
            iteration = ARGV[a], expected = tonumber(ARGV[a + 1]), partial = ARGV[a + 2], clients = {}, updates = {}}
          local n = tonumber(ARGV[a + 3])
          a = a + 4
          for i = 1, n do
            group.clients[i] = ARGV[a]
            a = a + 1
          end
          if individual then
            for i = 1, n do
              group.updates[i] = ARGV[a]
              a = a + 1
            end
          end
          groups[g] = group
        end
        local refused = false
        local verdicts = {0, watermark}
        for _, group in ipairs(groups) do
          local status, storedCount, storedBlob, held = 0, -1, '', {}
          if tonumber(group.iteration) <= watermark then
            status = 1
          else
            if not individual and #group.clients > 0 then
              storedCount = tonumber(redis.call('HGET', group.counts, server) or '0')
              if storedCount ~= group.expected then
                status = 2
                storedBlob = redis.call('HGET', group.blobs, server) or ''
              end
            end
            for _, client in ipairs(group.clients) do
              if redis.call('HEXISTS', group.contributors, client) == 1 then
                held[#held + 1] = client
              end
            end
          end
          if #group.clients > 0 and (status ~= 0 or #held > 0) then
            refused = true
          end
          verdicts[#verdicts + 1] = status
          verdicts[#verdicts + 1] = redis.call('HLEN', group.contributors)
          verdicts[#verdicts + 1] = storedCount
          verdicts[#verdicts + 1] = storedBlob
          verdicts[#verdicts + 1] = #held
          for _, client in ipairs(held) do
            verdicts[#verdicts + 1] = client
          end
        end
        if refused then
          return verdicts
        end
        local reply = {1, watermark}
        for _, group in ipairs(groups) do
          local held = redis.call('HLEN', group.contributors)
          if #group.clients > 0 then
            redis.call('ZADD', KEYS[2], group.iteration, group.iteration)
            for i, client in ipairs(group.clients) do
              held = held + 1
              redis.call('HSET', group.contributors, client, string.format('%d', held))
              if individual then
                redis.call('HSET', group.blobs, client, group.updates[i])
              end
            end
            if not individual then
              redis.call('HSET', group.blobs, server, group.partial)
              redis.call('HSET', group.counts, server, string.format('%d', group.expected + #group.clients))
            end
          end
          reply[#reply + 1] = held
        end
        return reply
        """;

    /// <summary>
    /// Reads one iteration's contributors and every server's partial sum (or every update) as of one moment.
    /// KEYS[1] = watermark, KEYS[2] = contributors, KEYS[3] = blobs, KEYS[4] = counts. ARGV[1] = iteration.
    /// Returns nil when the iteration is discarded or empty, else {contributors HGETALL, blobs HGETALL, counts HGETALL}.
    /// </summary>
    public const string ReadIteration = """
        if tonumber(ARGV[1]) <= tonumber(redis.call('GET', KEYS[1]) or '0') then
          return false
        end
        local contributors = redis.call('HGETALL', KEYS[2])
        if #contributors == 0 then
          return false
        end
        return {contributors, redis.call('HGETALL', KEYS[3]), redis.call('HGETALL', KEYS[4])}
        """;

    /// <summary>
    /// Closes an iteration and every earlier one to adds (raises the watermark), unlinks its keys and returns the
    /// earlier iterations that still have keys (a server died before discarding them), for <see cref="DropIterations"/>.
    /// KEYS[1] = watermark, KEYS[2] = iterations zset, KEYS[3..5] = the iteration's contributors, blobs, counts.
    /// ARGV[1] = iteration. Returns the earlier iterations still listed, usually none.
    /// </summary>
    public const string DiscardIteration = """
        if tonumber(ARGV[1]) > tonumber(redis.call('GET', KEYS[1]) or '0') then
          redis.call('SET', KEYS[1], ARGV[1])
        end
        redis.call('UNLINK', KEYS[3], KEYS[4], KEYS[5])
        redis.call('ZREM', KEYS[2], ARGV[1])
        return redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
        """;

    /// <summary>
    /// Unlinks the keys of iterations already below the watermark and takes them off the list.
    /// KEYS[1] = iterations zset, then per iteration i (1-based) KEYS[3i-1..3i+1] = contributors, blobs, counts.
    /// ARGV = the iterations. Returns how many were dropped.
    /// </summary>
    public const string DropIterations = """
        for i = 1, #ARGV do
          redis.call('UNLINK', KEYS[3 * i - 1], KEYS[3 * i], KEYS[3 * i + 1])
          redis.call('ZREM', KEYS[1], ARGV[i])
        end
        return #ARGV
        """;
}
