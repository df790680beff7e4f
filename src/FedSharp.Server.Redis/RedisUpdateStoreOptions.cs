namespace FedSharp.Server.Redis;

/// <summary>
/// How one server process adds updates to the shared sums (<see cref="RedisUpdateStore"/>): its id, and how its
/// concurrent adds are merged into group commits. Check with <see cref="Validate"/> at start-up.
/// </summary>
public sealed class RedisUpdateStoreOptions
{
    /// <summary>Longest server id accepted.</summary>
    public const int MaxServerIdLength = 128;

    /// <summary>
    /// This process's name among the servers that share the Redis, e.g. <c>host-a:8080</c>; each keeps its own partial
    /// sum per iteration under this id. It must be unique among the processes running at once: two processes with the
    /// same id stay correct (each write checks the partial it replaces, so they take turns folding into one blob) but
    /// contend on every add. A restarted server may reuse its id; it picks up its partial sum from Redis. Printable,
    /// no whitespace, 1 to 128 characters. No default.
    /// </summary>
    public string ServerId { get; set; } = string.Empty;

    /// <summary>
    /// How long an add waits for others to join its group commit (one Lua script for all of them) before it is written
    /// to Redis; the timer starts with the first add of a group and runs on the store's <see cref="TimeProvider"/>.
    /// An add is acknowledged only once its group is in Redis, so this is added to each update's latency. Zero writes
    /// each add at once (adds that arrive while a write is in flight still share the next one). Range 0 to 1 s;
    /// default 10 ms.
    /// </summary>
    public TimeSpan GroupCommitWindow { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>A group is written as soon as it holds this many updates, before its window ends. Range 1 to 10000; default 256.</summary>
    public int GroupCommitMaxUpdates { get; set; } = 256;

    /// <summary>
    /// A group is written as soon as the updates it must send hold this many bytes, before its window ends. Only
    /// <see cref="Strategies.AccumulatorKind.IndividualUpdates"/> sends each update (a sum sends one partial per
    /// iteration), so this keeps a script's arguments well below Redis's 512 MiB limit. Range 1 MiB to 256 MiB;
    /// default 32 MiB.
    /// </summary>
    public long GroupCommitMaxBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Every broken rule, one message each naming the option, its value and the fix; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrEmpty(ServerId) || ServerId.Length > MaxServerIdLength || ServerId.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            problems.Add($"{nameof(ServerId)} is '{ServerId}'; give each server process its own id of 1 to {MaxServerIdLength} printable characters without spaces, for example host-a:8080.");
        }

        if (GroupCommitWindow < TimeSpan.Zero || GroupCommitWindow > TimeSpan.FromSeconds(1))
        {
            problems.Add($"{nameof(GroupCommitWindow)} is {GroupCommitWindow.TotalMilliseconds} ms; it must be between 0 and 1000 ms.");
        }

        if (GroupCommitMaxUpdates is < 1 or > 10_000)
        {
            problems.Add($"{nameof(GroupCommitMaxUpdates)} is {GroupCommitMaxUpdates}; it must be between 1 and 10000.");
        }

        if (GroupCommitMaxBytes < 1024 * 1024 || GroupCommitMaxBytes > 256L * 1024 * 1024)
        {
            problems.Add($"{nameof(GroupCommitMaxBytes)} is {GroupCommitMaxBytes}; it must be between 1048576 (1 MiB) and 268435456 (256 MiB).");
        }

        return problems;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem <see cref="Validate"/> finds.</summary>
    public void ThrowIfInvalid()
    {
        IReadOnlyList<string> problems = Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Redis update store options are invalid; fix the configuration: " + string.Join(" ", problems));
        }
    }
}
