namespace FedSharp.Testing;

/// <summary>
/// A <see cref="TimeProvider"/> whose clock moves only when a test calls <see cref="Advance"/>. Timers created
/// through it fire, in due-time order, during <see cref="Advance"/>, on the calling thread.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now;
    private readonly List<(TimeProvider? View, TaskCompletionSource Signal)> _armedWaiters = [];

    /// <summary>Starts the clock at <paramref name="start"/>, or 2026-01-01T00:00:00Z.</summary>
    public ManualTimeProvider(DateTimeOffset? start = null) => _now = start ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <summary>Moves the clock forward, firing every timer that falls due on the way, in order.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_gate)
        {
            target = _now + delta;
        }

        while (true)
        {
            ManualTimer? next;
            lock (_gate)
            {
                next = _timers.Where(t => t.DueAt is { } due && due <= target).OrderBy(t => t.DueAt).FirstOrDefault();
                if (next is null)
                {
                    _now = target;
                    return;
                }

                _now = next.DueAt!.Value;
                next.DueAt = next.Period > TimeSpan.Zero ? _now + next.Period : null;
            }

            next.Fire();
        }
    }

    /// <summary>
    /// A clock that reads this one and whose timers are this one's, marked as the view's: give it to the code a test
    /// drives (a client) and the rest of this clock to the rest (a server), and <see cref="WhenTimerArmedAsync"/> tells
    /// when that code waits on the clock.
    /// </summary>
    public TimeProvider CreateView() => new View(this);

    /// <summary>
    /// Completes once a timer (of <paramref name="view"/>, or any timer when null) is due at a finite time, at once if
    /// one already is: the code under test is waiting on the clock. With <see cref="AdvanceToNextTimer"/> a test steps
    /// exactly from one wait to the next instead of advancing after a real delay, which on a busy machine may come
    /// before the code has armed its timer.
    /// </summary>
    public Task WhenTimerArmedAsync(TimeProvider? view = null)
    {
        lock (_gate)
        {
            if (_timers.Any(t => t.DueAt is not null && (view is null || t.View == view)))
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _armedWaiters.Add((view, signal));
            return signal.Task;
        }
    }

    /// <summary>Moves the clock to the earliest armed timer's due time, firing it (and any due then); false when none is armed.</summary>
    public bool AdvanceToNextTimer()
    {
        TimeSpan delta;
        lock (_gate)
        {
            DateTimeOffset? next = _timers.Where(t => t.DueAt is not null).Min(t => t.DueAt);
            if (next is not { } due)
            {
                return false;
            }

            delta = due > _now ? due - _now : TimeSpan.Zero;
        }

        Advance(delta);
        return true;
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        => CreateTimer(callback, state, dueTime, period, view: null);

    private ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period, TimeProvider? view)
    {
        var timer = new ManualTimer(this, callback, state, view);
        lock (_gate)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    private void Remove(ManualTimer timer)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
        }
    }

    private sealed class View(ManualTimeProvider owner) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => owner.GetUtcNow();

        public override long TimestampFrequency => owner.TimestampFrequency;

        public override long GetTimestamp() => owner.GetTimestamp();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
            => owner.CreateTimer(callback, state, dueTime, period, this);
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state, TimeProvider? view) : ITimer
    {
        public TimeProvider? View { get; } = view;

        public DateTimeOffset? DueAt { get; set; }

        public TimeSpan Period { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : owner._now + dueTime;
                Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
                if (DueAt is not null)
                {
                    for (int i = owner._armedWaiters.Count - 1; i >= 0; i--)
                    {
                        if (owner._armedWaiters[i].View is null || owner._armedWaiters[i].View == View)
                        {
                            owner._armedWaiters[i].Signal.TrySetResult();
                            owner._armedWaiters.RemoveAt(i);
                        }
                    }
                }
            }

            return true;
        }

        public void Fire() => callback(state);

        public void Dispose() => owner.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
