using System.Globalization;
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

    /// <summary>
    /// Hash <c>{version, iteration, state}</c>: the scalar round state (<see cref="RedisRoundStore"/>); <c>state</c> is
    /// its JSON (<see cref="RoundStateCodec"/>), <c>version</c> the compare-and-set token. No TTL.
    /// </summary>
    public RedisKey Round => _prefix + ":round";

    /// <summary>
    /// Hash client id → packed <c>ClientRegistration</c>: the registrations of the current iteration only; unlinked
    /// when the round state moves to another iteration. No TTL.
    /// </summary>
    public RedisKey Registrations => _prefix + ":registrations";

    /// <summary>String (integer): the newest iteration discarded from the update store; adds at or below it are refused. No TTL.</summary>
    public RedisKey UpdatesWatermark => _prefix + ":updates:watermark";

    /// <summary>Sorted set of the iterations that have update keys (score = member = iteration), so a discard finds stragglers. No TTL.</summary>
    public RedisKey UpdateIterations => _prefix + ":updates:iterations";

    /// <summary>Hash client id → order added (1, 2, …): who is in <paramref name="iteration"/>'s sum; its length is the held count.</summary>
    public RedisKey Contributors(int iteration) => $"{_prefix}:updates:{iteration.ToString(CultureInfo.InvariantCulture)}:contributors";

    /// <summary>
    /// Hash server id → that server's partial sum blob (weighted or ring sum), or, for individual updates, client id →
    /// that client's update blob (<see cref="UpdateBlobFormat"/>).
    /// </summary>
    public RedisKey UpdateBlobs(int iteration) => $"{_prefix}:updates:{iteration.ToString(CultureInfo.InvariantCulture)}:blobs";

    /// <summary>Hash server id → how many updates that server's partial sum holds: its compare-and-set token.</summary>
    public RedisKey PartialCounts(int iteration) => $"{_prefix}:updates:{iteration.ToString(CultureInfo.InvariantCulture)}:counts";
}
