using System.Runtime.CompilerServices;

namespace FedSharp.Client.Tests;

/// <summary>
/// Runs the jobs a test starts and moves the manual clock for them deterministically: from one timer to the next,
/// and only when every job waits, never after a real delay that a loaded machine may outrun.
/// </summary>
internal sealed partial class InProcessFederation
{
    // Only a guard against a hung job: the driver never waits on real time to pace the clock.
    private static readonly TimeSpan s_stuckAfter = TimeSpan.FromSeconds(30);

    private readonly ConditionalWeakTable<FederatedJob, TimeProvider> _clocks = new();
    private readonly List<StartedJob> _started = [];
    private readonly Lock _holdGate = new();
    private readonly HashSet<string> _heldClients = [];
    private readonly Dictionary<string, TaskCompletionSource> _heldWaiters = [];
    private TaskCompletionSource? _updatesHeld;
    private long _releases;

    /// <summary>Runs <paramref name="job"/> on the thread pool and has <see cref="DriveAsync"/> wait for it.</summary>
    public Task<FederatedJobResult> Start(FederatedJob job, CancellationToken cancellationToken = default)
        => Start(job, () => Task.Run(() => job.RunAsync(cancellationToken)));

    /// <summary>Runs <paramref name="job"/> the way <paramref name="run"/> starts it (on a UI thread, say) and has <see cref="DriveAsync"/> wait for it.</summary>
    public Task<FederatedJobResult> Start(FederatedJob job, Func<Task<FederatedJobResult>> run)
    {
        if (!_clocks.TryGetValue(job, out TimeProvider? clock))
        {
            throw new InvalidOperationException(
                $"Job '{job.ClientId}' was not created by this federation, so the driver cannot see when it waits on its clock; create it with CreateJob.");
        }

        Task<FederatedJobResult> running = run();
        lock (_started)
        {
            _started.Add(new StartedJob(job.ClientId, clock, running));
        }

        return running;
    }

    /// <summary>From now until <see cref="ReleaseUpdates"/>, updateModel requests wait before they reach the server.</summary>
    public void HoldUpdates()
    {
        lock (_holdGate)
        {
            _updatesHeld ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Lets the held updateModel requests, and every later one, through.</summary>
    public void ReleaseUpdates()
    {
        TaskCompletionSource? held;
        lock (_holdGate)
        {
            held = _updatesHeld;
            _updatesHeld = null;
            _heldClients.Clear();
            _releases++;
        }

        held?.SetResult();
    }

    /// <summary>Completes once <paramref name="clientId"/>'s updateModel request waits at <see cref="HoldUpdates"/>.</summary>
    public Task WhenHeldAsync(string clientId)
    {
        lock (_holdGate)
        {
            if (_heldClients.Contains(clientId))
            {
                return Task.CompletedTask;
            }

            if (!_heldWaiters.TryGetValue(clientId, out TaskCompletionSource? waiter))
            {
                waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _heldWaiters.Add(clientId, waiter);
            }

            return waiter.Task;
        }
    }

    /// <summary>
    /// Runs the jobs from <see cref="Start(FederatedJob, CancellationToken)"/> to their end, moving the clock from
    /// one timer to the next (the jobs' or the server's) only when every unfinished job waits on its clock or at
    /// <see cref="HoldUpdates"/> and the coordinator is idle, so no job is overtaken by time while it still has work
    /// to do at the current instant, however slow the machine. Their failures stay in the tasks Start returned.
    /// </summary>
    public async Task DriveAsync(int maxAdvances = 20_000)
    {
        for (int advances = 0; ;)
        {
            StartedJob[] unfinished;
            lock (_started)
            {
                unfinished = [.. _started.Where(j => !j.Run.IsCompleted)];
            }

            if (unfinished.Length == 0)
            {
                return;
            }

            if (!await WhenAllWaitAsync(unfinished))
            {
                continue;
            }

            // An aggregation under way finishes before time moves, as it would in the moments a real clock gives it.
            await Coordinator.WhenIdleAsync();
            Assert.True(++advances <= maxAdvances, $"The jobs did not finish within {maxAdvances} moves of the clock.");
            Time.AdvanceToNextTimer();
        }
    }

    // True when, at one moment, every job has finished, waits on a timer of its own clock view or waits at the held
    // gate. A job that waits stays waiting until the clock moves or the gate opens; the gate opens only from a job
    // that runs or from the test, so if it did not open while we looked, every job waited at the end of the look.
    private async Task<bool> WhenAllWaitAsync(StartedJob[] jobs)
    {
        long releases = ReleaseCount();
        Task[] waiting = [.. jobs.Select(j => Task.WhenAny(j.Run, Time.WhenTimerArmedAsync(j.Clock), WhenHeldAsync(j.ClientId)))];
        try
        {
            await Task.WhenAll(waiting).WaitAsync(s_stuckAfter);
        }
        catch (TimeoutException)
        {
            IEnumerable<string> busy = jobs.Where((_, i) => !waiting[i].IsCompleted).Select(j => $"'{j.ClientId}'");
            Assert.Fail($"Clients {string.Join(", ", busy)} neither finished nor waited on their clock within {s_stuckAfter.TotalSeconds} s; a job hangs outside the clock.");
        }

        if (ReleaseCount() != releases || jobs.All(j => j.Run.IsCompleted))
        {
            return false;
        }

        if (jobs.All(j => j.Run.IsCompleted || IsHeld(j.ClientId)))
        {
            Assert.Fail("Every unfinished job waits at the held updateModel gate, which only ReleaseUpdates opens: release the updates before driving.");
        }

        return true;
    }

    private long ReleaseCount()
    {
        lock (_holdGate)
        {
            return _releases;
        }
    }

    private bool IsHeld(string clientId)
    {
        lock (_holdGate)
        {
            return _heldClients.Contains(clientId);
        }
    }

    private Task WhenUpdatesReleasedAsync(string clientId)
    {
        lock (_holdGate)
        {
            if (_updatesHeld is not { } held)
            {
                return Task.CompletedTask;
            }

            _heldClients.Add(clientId);
            if (_heldWaiters.Remove(clientId, out TaskCompletionSource? waiter))
            {
                waiter.SetResult();
            }

            return held.Task;
        }
    }

    private sealed record StartedJob(string ClientId, TimeProvider Clock, Task<FederatedJobResult> Run);
}
