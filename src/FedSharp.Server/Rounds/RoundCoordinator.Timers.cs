namespace FedSharp.Server.Rounds;

public sealed partial class RoundCoordinator
{
    private readonly Lock _timerGate = new();
    private readonly HashSet<ITimer> _timers = [];
    private readonly List<Task> _timerWork = [];
    private bool _disposed;

    /// <summary>The fault of the most recent timer-driven deadline check, or null; timers have no caller to throw to.</summary>
    public Exception? LastTimerFault { get; private set; }

    /// <summary>Stops every timer; requests already running finish.</summary>
    public void Dispose()
    {
        lock (_timerGate)
        {
            _disposed = true;
        }

        CancelTimers();
    }

    /// <summary>Completes when every deadline check started by a timer so far has finished.</summary>
    private Task WhenTimersIdleAsync()
    {
        lock (_timerGate)
        {
            return Task.WhenAll(_timerWork);
        }
    }

    private void Schedule(DateTimeOffset dueAt)
    {
        TimeSpan delay = dueAt - _time.GetUtcNow();
        var slot = new TimerSlot { Owner = this };
        lock (_timerGate)
        {
            if (_disposed)
            {
                return;
            }

            slot.Timer = _time.CreateTimer(static state => ((TimerSlot)state!).Owner!.OnTimer((TimerSlot)state!), slot, delay > TimeSpan.Zero ? delay : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            _timers.Add(slot.Timer);
        }
    }

    private void OnTimer(TimerSlot slot)
    {
        lock (_timerGate)
        {
            if (slot.Timer is { } timer && _timers.Remove(timer))
            {
                timer.Dispose();
            }

            if (_disposed)
            {
                return;
            }

            _timerWork.RemoveAll(t => t.IsCompleted);
        }

        Task work = RunDeadlineCheckAsync();
        lock (_timerGate)
        {
            _timerWork.Add(work);
        }
    }

    private async Task RunDeadlineCheckAsync()
    {
        try
        {
            await CheckDeadlinesAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LastTimerFault = ex;
        }
    }

    private void CancelTimers()
    {
        ITimer[] timers;
        lock (_timerGate)
        {
            timers = [.. _timers];
            _timers.Clear();
        }

        foreach (ITimer timer in timers)
        {
            timer.Dispose();
        }
    }

    private sealed class TimerSlot
    {
        public ITimer? Timer { get; set; }

        public RoundCoordinator? Owner { get; set; }
    }
}
