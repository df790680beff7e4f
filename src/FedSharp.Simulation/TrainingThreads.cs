using System.Collections.Concurrent;

namespace FedSharp.Simulation;

/// <summary>
/// A task scheduler with a fixed number of dedicated threads, on which the virtual clients' code runs. Awaits in that
/// code return here, and training inside it is synchronous, so no more trainings run at once than there are threads.
/// </summary>
/// <remarks>
/// Dedicated threads rather than thread-pool slots: training holds a thread for seconds, and on the pool it would
/// starve the timers and the observer's polls (which then see rounds end late) until the pool grew.
/// </remarks>
internal sealed class TrainingThreads : TaskScheduler, IDisposable
{
    private readonly BlockingCollection<Task> _queue = new(new ConcurrentQueue<Task>());
    private readonly Thread[] _threads;

    /// <summary>Starts <paramref name="count"/> background threads.</summary>
    public TrainingThreads(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _threads = new Thread[count];
        for (int i = 0; i < count; i++)
        {
            _threads[i] = new Thread(Serve) { IsBackground = true, Name = $"fedsharp-simulation-{i}" };
            _threads[i].Start();
        }
    }

    /// <inheritdoc />
    public override int MaximumConcurrencyLevel => _threads.Length;

    /// <summary>Lets the threads finish the queued work and exit; waits for them unless called on one of them.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        bool onOwnThread = false;
        foreach (Thread thread in _threads)
        {
            if (thread == Thread.CurrentThread)
            {
                onOwnThread = true;
                continue;
            }

            thread.Join();
        }

        // The calling thread still walks the queue's consuming enumerator; it releases the queue when it exits.
        if (!onOwnThread)
        {
            _queue.Dispose();
        }
    }

    /// <inheritdoc />
    protected override void QueueTask(Task task)
    {
        try
        {
            _queue.Add(task);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            // After Dispose, the last continuations of cancelled clients (a timer that fired late) finish on the pool.
            ThreadPool.QueueUserWorkItem(_ => TryExecuteTask(task));
        }
    }

    // Inlining would run a client's continuation on whichever thread completed its task (a timer, the observer), past
    // the thread limit; only our own threads may run work inline.
    /// <inheritdoc />
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        !taskWasPreviouslyQueued && Array.IndexOf(_threads, Thread.CurrentThread) >= 0 && TryExecuteTask(task);

    /// <inheritdoc />
    protected override IEnumerable<Task> GetScheduledTasks() => [.. _queue];

    private void Serve()
    {
        foreach (Task task in _queue.GetConsumingEnumerable())
        {
            TryExecuteTask(task);
        }
    }
}
