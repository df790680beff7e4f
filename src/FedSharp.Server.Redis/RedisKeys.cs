using StackExchange.Redis;

namespace FedSharp.Server.Redis;

/// <summary>
/// Every key FedSharp writes, in one place; <c>docs/redis-keys.md</c> gives each one's type, TTL, writer and the
/// scripts that touch it. All keys start with <see cref="RedisStoreOptions.KeyPrefix"/>, whose hash tag keeps one
/// instance in one Redis Cluster slot.
/// </summary>
internal sealed class RedisKeys
{
    private readonly string _prefix;

    public RedisKeys(string prefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        _prefix = prefix;
    }

    /// <summary>Hash <c>{iteration, blob}</c>: the current global model (<see cref="RedisModelStore"/>). No TTL.</summary>
    public RedisKey Model => _prefix + ":model";

    /// <summary>Hash <c>{holder, token, expires_ms}</c>: the leader lease (<see cref="RedisLeaderLease"/>). PEXPIRE duration + margin.</summary>
    public RedisKey Leader => _prefix + ":leader";

    /// <summary>String counter: the last fencing token handed out; outlives <see cref="Leader"/> so tokens only grow. No TTL.</summary>
    public RedisKey LeaderFencingToken => _prefix + ":leader:token";

    // Round state and partial sums: added with RedisRoundStore and RedisUpdateStore (docs/redis-keys.md).
}
