using FedSharp.Core.Models;
using FedSharp.Server.Stores;
using FedSharp.Server.Strategies;
using StackExchange.Redis;

namespace FedSharp.Server.Redis;

public sealed partial class RedisUpdateStore
{
    // Each retry removes at least one refused update or reloads this server's partial; only another process running
    // under the same server id can keep refusing, and it makes progress too.
    private const int MaxCommitAttempts = 32;
    private readonly TimeSpan _window;
    private readonly int _maxUpdates;
    private readonly long _maxBytes;
    private readonly ITimer _windowTimer;
    private readonly Lock _gate = new();
    private readonly List<PendingAdd> _pending = [];
    private int _pendingUpdates;
    private long _pendingBytes;
    private bool _windowArmed;
    private bool _flushRunning;
    private bool _disposed;
    private Task _flushLoop = Task.CompletedTask;

    // Touched only by the flush loop, which runs one commit at a time.
    private readonly Dictionary<int, PartialSum> _partials = [];
    private readonly Dictionary<int, ModelParameters> _layouts = [];

    // The newest watermark this server has seen; only ever raised, so an add at or below it is closed for sure.
    private int _knownWatermark;

    private enum Verdict
    {
        Candidate,
        DuplicateInBatch,
        AlreadyHeld,
        Closed,
        Added,
    }

    private async Task<IReadOnlyList<UpdateReceipt>> EnqueueAsync(IReadOnlyList<ClientUpdate> updates, CancellationToken cancellationToken)
    {
        long bytes = Kind == AccumulatorKind.IndividualUpdates ? updates.Sum(u => u.PayloadBytes) : 0;
        var add = new PendingAdd(updates, bytes);
        bool flushNow;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _pending.Add(add);
            _pendingUpdates += updates.Count;
            _pendingBytes += bytes;
            flushNow = _window == TimeSpan.Zero || _pendingUpdates >= _maxUpdates || _pendingBytes >= _maxBytes;
            if (!flushNow && !_windowArmed)
            {
                _windowArmed = true;
                _windowTimer.Change(_window, Timeout.InfiniteTimeSpan);
            }
        }

        if (flushNow)
        {
            StartFlush();
        }

        return await add.Completion.Task.WaitAsync(cancellationToken);
    }

    private void OnWindowElapsed()
    {
        lock (_gate)
        {
            _windowArmed = false;
        }

        StartFlush();
    }

    /// <summary>
    /// Starts the flush loop unless it runs already (it takes whatever is pending when its commit ends). The loop starts
    /// on the calling thread, so a test's manual clock that fires the window sees the script sent before it returns.
    /// </summary>
    private void StartFlush()
    {
        Task<Task> loop;
        lock (_gate)
        {
            if (_flushRunning || _pending.Count == 0)
            {
                return;
            }

            _flushRunning = true;
            loop = new Task<Task>(FlushLoopAsync);
            _flushLoop = loop.Unwrap();
        }

        loop.RunSynchronously(TaskScheduler.Default);
    }

    private async Task FlushLoopAsync()
    {
        while (true)
        {
            List<PendingAdd> batch;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    _flushRunning = false;
                    return;
                }

                batch = TakeBatch();
                if (_pending.Count == 0 && _windowArmed)
                {
                    _windowArmed = false;
                    _windowTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                }
            }

            try
            {
                await CommitAsync(batch);
            }
            catch (Exception ex)
            {
                foreach (PendingAdd add in batch)
                {
                    add.Completion.TrySetException(ex);
                }
            }
        }
    }

    // Adds in arrival order up to the limits; a single add above them goes alone.
    private List<PendingAdd> TakeBatch()
    {
        int taken = 0, updates = 0;
        long bytes = 0;
        while (taken < _pending.Count)
        {
            PendingAdd next = _pending[taken];
            if (taken > 0 && (updates + next.Updates.Count > _maxUpdates || bytes + next.Bytes > _maxBytes))
            {
                break;
            }

            updates += next.Updates.Count;
            bytes += next.Bytes;
            taken++;
        }

        List<PendingAdd> batch = _pending.GetRange(0, taken);
        _pending.RemoveRange(0, taken);
        _pendingUpdates -= updates;
        _pendingBytes -= bytes;
        return batch;
    }

    /// <summary>
    /// Folds the batch into copies of this server's partial sums assuming every update is new, and sends it in one
    /// script. When the script refuses (a closed iteration, a client already held, a partial changed under this
    /// server's id), nothing was written: the refused updates are taken out, the stored partial replaces the cached
    /// one, and the rest is folded and sent again.
    /// </summary>
    private async Task CommitAsync(List<PendingAdd> batch)
    {
        int watermark = Volatile.Read(ref _knownWatermark);
        ForgetThrough(watermark);
        var groups = new List<IterationGroup>();
        var byIteration = new Dictionary<int, IterationGroup>();
        foreach (PendingAdd add in batch)
        {
            for (int i = 0; i < add.Updates.Count; i++)
            {
                var entry = new Entry(add, i);
                if (entry.Update.Iteration <= watermark)
                {
                    add.Receipts[i] = new UpdateReceipt(UpdateAdmission.IterationClosed, 0);
                    continue;
                }

                if (!byIteration.TryGetValue(entry.Update.Iteration, out IterationGroup? group))
                {
                    group = new IterationGroup(entry.Update.Iteration);
                    byIteration.Add(group.Iteration, group);
                    groups.Add(group);
                }

                group.Entries.Add(entry);
            }
        }

        RefuseOtherLayouts(groups);
        foreach (IterationGroup group in groups)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (Entry entry in group.Entries.Where(e => !seen.Add(e.Update.ClientId)))
            {
                entry.Verdict = Verdict.DuplicateInBatch;
            }
        }

        for (int attempt = 0; groups.Any(g => !g.Closed && g.Candidates.Any()); attempt++)
        {
            if (attempt == MaxCommitAttempts)
            {
                throw new RedisStoreException($"Adding updates of iteration(s) {string.Join(", ", groups.Select(g => g.Iteration))} was refused {MaxCommitAttempts} times in a row on Redis at {_addresses}; another process is probably running under the same server id '{_serverId}'. Give every server its own {nameof(RedisUpdateStoreOptions.ServerId)}.");
            }

            List<IterationGroup> sent = [.. groups.Where(g => !g.Closed)];
            var keys = new List<RedisKey>(2 + (3 * sent.Count)) { _keys.UpdatesWatermark, _keys.UpdateIterations };
            var arguments = new List<RedisValue> { _serverId, Kind == AccumulatorKind.IndividualUpdates ? "individual" : "sum", sent.Count };
            foreach (IterationGroup group in sent)
            {
                keys.AddRange([_keys.Contributors(group.Iteration), _keys.UpdateBlobs(group.Iteration), _keys.PartialCounts(group.Iteration)]);
                AppendGroup(group, arguments);
            }

            RedisResult result = await RunAsync(
                RedisScripts.AddUpdates, [.. keys], [.. arguments], $"Adding updates to iteration(s) {string.Join(", ", sent.Select(g => g.Iteration))}", CancellationToken.None);
            var reply = (RedisResult[])result!;
            RaiseKnownWatermark((int)reply[1]);
            if ((long)reply[0] == 1)
            {
                Accept(sent, reply);
                break;
            }

            ApplyRefusals(sent, reply);
        }

        ForgetThrough(Volatile.Read(ref _knownWatermark));
        foreach (IterationGroup group in groups)
        {
            foreach (Entry entry in group.Entries)
            {
                entry.Add.Receipts[entry.Index] = entry.Verdict switch
                {
                    Verdict.Added => new UpdateReceipt(UpdateAdmission.Added, entry.Order),
                    Verdict.AlreadyHeld or Verdict.DuplicateInBatch => new UpdateReceipt(UpdateAdmission.AlreadyHeld, group.Held),
                    _ => new UpdateReceipt(UpdateAdmission.IterationClosed, 0),
                };
            }
        }

        foreach (PendingAdd add in batch)
        {
            if (add.Fault is not null)
            {
                add.Completion.TrySetException(add.Fault);
            }
            else
            {
                add.Completion.TrySetResult(add.Receipts);
            }
        }
    }

    // An add with an update whose names or shapes differ from its iteration's is refused whole, as the contract asks.
    private void RefuseOtherLayouts(List<IterationGroup> groups)
    {
        foreach (IterationGroup group in groups)
        {
            ModelParameters? layout = Kind == AccumulatorKind.IndividualUpdates ? _layouts.GetValueOrDefault(group.Iteration) : _partials.GetValueOrDefault(group.Iteration)?.Sum;
            foreach (Entry entry in group.Entries.Where(e => e.Add.Fault is null))
            {
                layout ??= entry.Update.Parameters;
                if (!entry.Update.Parameters.HasSameLayout(layout))
                {
                    entry.Add.Fault = new ArgumentException(
                        $"Update of client '{entry.Update.ClientId}' for iteration {group.Iteration} has layout [{string.Join(", ", entry.Update.Parameters.Tensors)}] but the iteration's earlier updates have [{string.Join(", ", layout.Tensors)}]; validate updates against the global model before adding them.");
                }
            }
        }

        foreach (IterationGroup group in groups)
        {
            group.Entries.RemoveAll(e => e.Add.Fault is not null);
        }
    }

    private void AppendGroup(IterationGroup group, List<RedisValue> arguments)
    {
        List<Entry> candidates = [.. group.Candidates];
        long expected = 0;
        byte[] partialBlob = [];
        if (Kind != AccumulatorKind.IndividualUpdates)
        {
            PartialSum? current = _partials.GetValueOrDefault(group.Iteration);
            expected = current?.Count ?? 0;
            group.Next = null;
            if (candidates.Count > 0)
            {
                PartialSum next = current?.Clone() ?? PartialSum.Empty(Kind, group.Iteration, candidates[0].Update.Parameters);
                foreach (Entry entry in candidates)
                {
                    next.Add(entry.Update);
                }

                group.Next = next;
                partialBlob = UpdateBlobFormat.WritePartial(next);
            }
        }

        arguments.AddRange([group.Iteration, expected, partialBlob, candidates.Count]);
        arguments.AddRange(candidates.Select(e => (RedisValue)e.Update.ClientId));
        if (Kind == AccumulatorKind.IndividualUpdates)
        {
            arguments.AddRange(candidates.Select(e => (RedisValue)(e.Blob ??= UpdateBlobFormat.WriteUpdate(e.Update))));
        }
    }

    private void Accept(List<IterationGroup> sent, RedisResult[] reply)
    {
        for (int g = 0; g < sent.Count; g++)
        {
            IterationGroup group = sent[g];
            group.Held = (int)reply[2 + g];
            List<Entry> candidates = [.. group.Candidates];
            for (int i = 0; i < candidates.Count; i++)
            {
                candidates[i].Verdict = Verdict.Added;
                candidates[i].Order = group.Held - candidates.Count + 1 + i;
            }

            if (candidates.Count == 0)
            {
                continue;
            }

            if (Kind == AccumulatorKind.IndividualUpdates)
            {
                _layouts.TryAdd(group.Iteration, candidates[0].Update.Parameters.ZerosLike());
            }
            else
            {
                _partials[group.Iteration] = group.Next!;
            }
        }
    }

    private void ApplyRefusals(List<IterationGroup> sent, RedisResult[] reply)
    {
        int at = 2;
        foreach (IterationGroup group in sent)
        {
            long status = (long)reply[at];
            group.Held = (int)reply[at + 1];
            long storedCount = (long)reply[at + 2];
            byte[] storedBlob = (byte[])reply[at + 3]!;
            int heldCount = (int)reply[at + 4];
            var held = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < heldCount; i++)
            {
                held.Add((string)reply[at + 5 + i]!);
            }

            at += 5 + heldCount;
            if (status == 1)
            {
                group.Closed = true;
                foreach (Entry entry in group.Entries)
                {
                    entry.Verdict = Verdict.Closed;
                }

                continue;
            }

            foreach (Entry entry in group.Candidates.Where(e => held.Contains(e.Update.ClientId)).ToList())
            {
                entry.Verdict = Verdict.AlreadyHeld;
            }

            if (status == 2)
            {
                ReloadPartial(group, storedCount, storedBlob);
            }
        }
    }

    // This server's partial in Redis is not the cached one (a restart under the same id, a dropped cache): continue from it.
    private void ReloadPartial(IterationGroup group, long storedCount, byte[] storedBlob)
    {
        if (storedCount == 0)
        {
            _partials.Remove(group.Iteration);
            return;
        }

        RedisKey key = _keys.UpdateBlobs(group.Iteration);
        PartialSum stored = UpdateBlobFormat.TryReadPartial(storedBlob, out string fault)
            ?? throw Unreadable(key, $"the partial sum of this server '{_serverId}' is unreadable: {fault}");
        if (stored.Kind != Kind || stored.Iteration != group.Iteration || stored.Count != storedCount)
        {
            throw Unreadable(key, $"the partial sum of this server '{_serverId}' holds {stored.Count} {stored.Kind} updates of iteration {stored.Iteration}, but {storedCount} {Kind} updates of iteration {group.Iteration} are recorded");
        }

        Entry? other = group.Candidates.FirstOrDefault(e => !e.Update.Parameters.HasSameLayout(stored.Sum));
        if (other is not null)
        {
            throw Unreadable(key, $"the partial sum of this server '{_serverId}' has layout [{string.Join(", ", stored.Sum.Tensors)}] but client '{other.Update.ClientId}' sent [{string.Join(", ", other.Update.Parameters.Tensors)}]; another process with a different model uses the same server id");
        }

        _partials[group.Iteration] = stored;
    }

    private void RaiseKnownWatermark(int watermark)
    {
        int known;
        do
        {
            known = Volatile.Read(ref _knownWatermark);
        }
        while (watermark > known && Interlocked.CompareExchange(ref _knownWatermark, watermark, known) != known);
    }

    // Caches of ended iterations: their keys are gone, and a late add to them is refused by the watermark anyway.
    private void ForgetThrough(int watermark)
    {
        foreach (int iteration in _partials.Keys.Where(i => i <= watermark).ToList())
        {
            _partials.Remove(iteration);
        }

        foreach (int iteration in _layouts.Keys.Where(i => i <= watermark).ToList())
        {
            _layouts.Remove(iteration);
        }
    }

    private sealed class PendingAdd(IReadOnlyList<ClientUpdate> updates, long bytes)
    {
        public IReadOnlyList<ClientUpdate> Updates { get; } = updates;

        public long Bytes { get; } = bytes;

        public UpdateReceipt[] Receipts { get; } = new UpdateReceipt[updates.Count];

        public Exception? Fault { get; set; }

        public TaskCompletionSource<IReadOnlyList<UpdateReceipt>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Entry(PendingAdd add, int index)
    {
        public PendingAdd Add { get; } = add;

        public int Index { get; } = index;

        public ClientUpdate Update => Add.Updates[Index];

        public Verdict Verdict { get; set; }

        /// <summary>Its 1-based place in the iteration's cluster-wide order, once added.</summary>
        public int Order { get; set; }

        /// <summary>The encoded update (individual updates only), kept across retries.</summary>
        public byte[]? Blob { get; set; }
    }

    private sealed class IterationGroup(int iteration)
    {
        public int Iteration { get; } = iteration;

        public List<Entry> Entries { get; } = [];

        public IEnumerable<Entry> Candidates => Entries.Where(e => e.Verdict == Verdict.Candidate);

        public bool Closed { get; set; }

        /// <summary>The iteration's held count in the latest reply.</summary>
        public int Held { get; set; }

        /// <summary>This attempt's partial with the candidates folded in; cached once the script accepts it.</summary>
        public PartialSum? Next { get; set; }
    }
}
