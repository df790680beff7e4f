using System.Globalization;
using FedSharp.Core.Models;
using FedSharp.Server.Stores;
using FedSharp.Server.Strategies;
using StackExchange.Redis;

namespace FedSharp.Server.Redis;

/// <summary>
/// The per-iteration sums of a cluster of servers in Redis. Each server process keeps its own partial sum per iteration
/// in memory and makes it durable as one blob per (iteration, server) in Redis, so Redis never does float math and
/// an add sends at most one model. Concurrent adds are merged into group commits (<see cref="RedisUpdateStoreOptions"/>):
/// one Lua script checks the watermark and the contributors, then appends the clients in order, writes the server's
/// new partial and so counts the iteration's updates cluster-wide. An add is acknowledged only once its contribution
/// is in Redis, and its receipt's <see cref="UpdateReceipt.Held"/> is its place in the iteration's cluster-wide order,
/// so exactly one add sees each count and so the threshold. <see cref="ReadAsync"/> combines every server's partial,
/// also a dead one's, in the order of the server ids.
/// </summary>
/// <remarks>
/// <para>
/// With <see cref="AccumulatorKind.WeightedSum"/> a partial is Σ nᵢ·wᵢ in float32, folded in the order the server's
/// commits added them; one server alone sums bit for bit like <see cref="InMemoryUpdateStore"/>, several add their
/// partials in server-id order (same partials, same result). <see cref="AccumulatorKind.RingSum"/> partials combine
/// exactly modulo 2³². <see cref="AccumulatorKind.IndividualUpdates"/> keeps every update's blob in Redis instead of a
/// partial: Redis holds count × model bytes per open iteration, and <see cref="ReadAsync"/> all of them in memory.
/// </para>
/// <para>
/// The partial in memory is a cache of the blob in Redis: the script writes the blob only when the stored one holds as
/// many updates as the server assumed, and otherwise hands the stored one back. So a restarted server that reuses its
/// id, or a cache dropped after its iteration ended, costs one extra round trip and never loses an update.
/// </para>
/// </remarks>
public sealed partial class RedisUpdateStore : IUpdateStore, IAsyncDisposable
{
    private readonly IDatabase _database;
    private readonly RedisKeys _keys;
    private readonly string _addresses;
    private readonly string _serverId;
    private readonly TimeProvider _time;

    /// <summary>Uses <paramref name="connection"/> (from <see cref="RedisConnector"/>) with the database and key prefix of <paramref name="options"/>.</summary>
    /// <param name="connection">The shared connection.</param>
    /// <param name="options">The database and key prefix; validated here.</param>
    /// <param name="updateOptions">This server's id and its group commits; validated here.</param>
    /// <param name="time">The clock of the group commit window.</param>
    /// <param name="kind">How updates are held: the strategy's <see cref="IStrategy.Accumulator"/>. Default the weighted sum.</param>
    public RedisUpdateStore(IConnectionMultiplexer connection, RedisStoreOptions options, RedisUpdateStoreOptions updateOptions, TimeProvider time, AccumulatorKind kind = AccumulatorKind.WeightedSum)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(updateOptions);
        ArgumentNullException.ThrowIfNull(time);
        options.ThrowIfInvalid();
        updateOptions.ThrowIfInvalid();
        Kind = Enum.IsDefined(kind) ? kind : throw new ArgumentOutOfRangeException(nameof(kind), kind, "Use one of the AccumulatorKind values.");
        _database = connection.GetDatabase(options.Database);
        _keys = new RedisKeys(options.KeyPrefix);
        _addresses = string.Join(", ", options.Endpoints);
        _serverId = updateOptions.ServerId;
        _time = time;
        _window = updateOptions.GroupCommitWindow;
        _maxUpdates = updateOptions.GroupCommitMaxUpdates;
        _maxBytes = updateOptions.GroupCommitMaxBytes;
        _windowTimer = time.CreateTimer(static state => ((RedisUpdateStore)state!).OnWindowElapsed(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <inheritdoc />
    public AccumulatorKind Kind { get; }

    /// <inheritdoc />
    /// <remarks>
    /// The updates wait up to <see cref="RedisUpdateStoreOptions.GroupCommitWindow"/> for others to share their write.
    /// An add whose <paramref name="cancellationToken"/> fires while it waits may still be written; adding it again
    /// is harmless (its receipt then says <see cref="UpdateAdmission.AlreadyHeld"/>).
    /// </remarks>
    /// <exception cref="ArgumentException">An update's names or shapes differ from the earlier updates of its iteration; none of this call's updates is added.</exception>
    /// <exception cref="RedisStoreException">Redis failed, or holds an unreadable partial sum of this server; none of this call's updates was acknowledged.</exception>
    public Task<IReadOnlyList<UpdateReceipt>> AddAsync(IReadOnlyList<ClientUpdate> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        foreach (ClientUpdate update in updates)
        {
            ArgumentNullException.ThrowIfNull(update);
        }

        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        return updates.Count == 0 ? Task.FromResult<IReadOnlyList<UpdateReceipt>>([]) : EnqueueAsync(updates, cancellationToken);
    }

    /// <inheritdoc />
    /// <exception cref="RedisStoreException">Redis failed, or a stored partial sum or update is unreadable or inconsistent.</exception>
    public async Task<IterationAggregate?> ReadAsync(int iteration, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        RedisKey contributorsKey = _keys.Contributors(iteration);
        RedisResult result = await RunAsync(
            RedisScripts.ReadIteration,
            [_keys.UpdatesWatermark, contributorsKey, _keys.UpdateBlobs(iteration), _keys.PartialCounts(iteration)],
            [Decimal(iteration)],
            $"Reading iteration {iteration}'s sum",
            cancellationToken);
        if (result.IsNull)
        {
            return null;
        }

        var parts = (RedisResult[])result!;
        string[] contributors = OrderContributors(iteration, (RedisResult[])parts[0]!);
        return Kind == AccumulatorKind.IndividualUpdates
            ? CombineUpdates(iteration, contributors, (RedisResult[])parts[1]!)
            : CombinePartials(iteration, contributors, (RedisResult[])parts[1]!, (RedisResult[])parts[2]!);
    }

    /// <inheritdoc />
    /// <exception cref="RedisStoreException">Redis failed.</exception>
    public async Task DiscardAsync(int iteration, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        RedisResult stragglers = await RunAsync(
            RedisScripts.DiscardIteration,
            [_keys.UpdatesWatermark, _keys.UpdateIterations, _keys.Contributors(iteration), _keys.UpdateBlobs(iteration), _keys.PartialCounts(iteration)],
            [Decimal(iteration)],
            $"Discarding iteration {iteration}",
            cancellationToken);
        RaiseKnownWatermark(iteration);

        // Iterations a server ended but died before discarding: rare, so their keys go in a second round trip.
        var older = (RedisValue[])stragglers!;
        if (older.Length > 0)
        {
            var keys = new List<RedisKey> { _keys.UpdateIterations };
            foreach (RedisValue stale in older)
            {
                int old = (int)stale;
                keys.AddRange([_keys.Contributors(old), _keys.UpdateBlobs(old), _keys.PartialCounts(old)]);
            }

            await RunAsync(RedisScripts.DropIterations, [.. keys], older, $"Dropping iterations before {iteration}", cancellationToken);
        }
    }

    /// <summary>Writes the adds still waiting for their group's window, then stops the window's timer. The partial sums already in Redis stay there.</summary>
    public async ValueTask DisposeAsync()
    {
        Task flushing;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        StartFlush();
        lock (_gate)
        {
            flushing = _flushLoop;
        }

        await flushing;
        await _windowTimer.DisposeAsync();
    }

    private static string Decimal(int value) => value.ToString(CultureInfo.InvariantCulture);

    private string[] OrderContributors(int iteration, RedisResult[] flat)
    {
        var ordered = new (long Order, string Client)[flat.Length / 2];
        for (int i = 0; i < ordered.Length; i++)
        {
            string client = (string)flat[2 * i]!;
            if (!long.TryParse((string?)flat[(2 * i) + 1], NumberStyles.None, CultureInfo.InvariantCulture, out long order))
            {
                throw Unreadable(_keys.Contributors(iteration), $"the order of client '{client}' is not a number");
            }

            ordered[i] = (order, client);
        }

        Array.Sort(ordered, static (a, b) => a.Order.CompareTo(b.Order));
        return [.. ordered.Select(o => o.Client)];
    }

    private IterationAggregate CombinePartials(int iteration, string[] contributors, RedisResult[] blobs, RedisResult[] counts)
    {
        RedisKey blobsKey = _keys.UpdateBlobs(iteration);
        var expected = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < counts.Length; i += 2)
        {
            expected[(string)counts[i]!] = long.TryParse((string?)counts[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out long count)
                ? count
                : throw Unreadable(_keys.PartialCounts(iteration), $"the count of server '{(string?)counts[i]}' is not a number");
        }

        var partials = new SortedDictionary<string, PartialSum>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < blobs.Length; i += 2)
        {
            string server = (string)blobs[i]!;
            PartialSum partial = UpdateBlobFormat.TryReadPartial((byte[])blobs[i + 1]!, out string fault)
                ?? throw Unreadable(blobsKey, $"the partial sum of server '{server}' is unreadable: {fault}");
            if (partial.Kind != Kind || partial.Iteration != iteration || !expected.TryGetValue(server, out long count) || count != partial.Count)
            {
                throw Unreadable(blobsKey, $"the partial sum of server '{server}' holds {partial.Count} {partial.Kind} updates of iteration {partial.Iteration}, but this store expects {Kind} for iteration {iteration} with the count {(expected.TryGetValue(server, out long c) ? c : 0)} recorded in '{_keys.PartialCounts(iteration)}'");
            }

            partials.Add(server, partial);
        }

        if (partials.Count != expected.Count || partials.Sum(p => (long)p.Value.Count) != contributors.Length)
        {
            throw Unreadable(blobsKey, $"its {partials.Count} partial sums hold {partials.Sum(p => (long)p.Value.Count)} updates, {expected.Count} servers are counted, but '{_keys.Contributors(iteration)}' lists {contributors.Length} contributors");
        }

        PartialSum? combined = null;
        foreach ((string server, PartialSum partial) in partials)
        {
            if (combined is null)
            {
                combined = partial;
            }
            else if (!partial.Sum.HasSameLayout(combined.Sum))
            {
                throw Unreadable(blobsKey, $"the partial sum of server '{server}' has layout [{string.Join(", ", partial.Sum.Tensors)}] but another server's has [{string.Join(", ", combined.Sum.Tensors)}]; the servers were given different models");
            }
            else
            {
                combined.Combine(partial);
            }
        }

        return new IterationAggregate(
            iteration,
            combined!.Sum,
            combined.TotalWeight,
            contributors,
            combined.LossWeightedSum,
            combined.LossWeight,
            combined.AccuracyWeightedSum,
            combined.AccuracyWeight);
    }

    private IterationAggregate CombineUpdates(int iteration, string[] contributors, RedisResult[] blobs)
    {
        RedisKey blobsKey = _keys.UpdateBlobs(iteration);
        var byClient = new Dictionary<string, ClientUpdate>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < blobs.Length; i += 2)
        {
            string client = (string)blobs[i]!;
            ClientUpdate update = UpdateBlobFormat.TryReadUpdate((byte[])blobs[i + 1]!, out string fault)
                ?? throw Unreadable(blobsKey, $"the update of client '{client}' is unreadable: {fault}");
            if (update.ClientId != client || update.Iteration != iteration)
            {
                throw Unreadable(blobsKey, $"the field of client '{client}' holds the update of client '{update.ClientId}' for iteration {update.Iteration}");
            }

            byClient.Add(client, update);
        }

        var updates = new List<ClientUpdate>(contributors.Length);
        foreach (string client in contributors)
        {
            updates.Add(byClient.GetValueOrDefault(client)
                ?? throw Unreadable(blobsKey, $"client '{client}' is a contributor in '{_keys.Contributors(iteration)}' but has no update"));
        }

        if (byClient.Count != updates.Count)
        {
            throw Unreadable(blobsKey, $"it holds {byClient.Count} updates but '{_keys.Contributors(iteration)}' lists {updates.Count} contributors");
        }

        long totalWeight = 0, lossWeight = 0, accuracyWeight = 0;
        double lossWeightedSum = 0, accuracyWeightedSum = 0;
        foreach (ClientUpdate update in updates)
        {
            if (!update.Parameters.HasSameLayout(updates[0].Parameters))
            {
                throw Unreadable(blobsKey, $"the update of client '{update.ClientId}' has layout [{string.Join(", ", update.Parameters.Tensors)}] but the first has [{string.Join(", ", updates[0].Parameters.Tensors)}]");
            }

            totalWeight += update.DataSize;
            if (update.Loss is { } loss)
            {
                lossWeightedSum += (double)loss * update.DataSize;
                lossWeight += update.DataSize;
            }

            if (update.Accuracy is { } accuracy)
            {
                accuracyWeightedSum += (double)accuracy * update.DataSize;
                accuracyWeight += update.DataSize;
            }
        }

        return new IterationAggregate(
            iteration, updates[0].Parameters.ZerosLike(), totalWeight, contributors, lossWeightedSum, lossWeight, accuracyWeightedSum, accuracyWeight, updates);
    }

    private async Task<RedisResult> RunAsync(string script, RedisKey[] keys, RedisValue[] arguments, string action, CancellationToken cancellationToken)
    {
        try
        {
            return await _database.ScriptEvaluateAsync(script, keys, arguments).WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new RedisStoreException($"{action} under '{_keys.UpdateIterations}' on Redis at {_addresses} failed ({ex.Message}); check that Redis is reachable and runs Lua scripts.", ex);
        }
    }

    private RedisStoreException Unreadable(RedisKey key, string fault)
        => new($"The update store's '{key}' on Redis at {_addresses} is unreadable: {fault}. The iteration cannot be aggregated: it fails with this message as its reason and the next one starts from fresh keys.");
}
