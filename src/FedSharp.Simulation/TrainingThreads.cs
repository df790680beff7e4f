using System.Collections.Concurrent;

namespace FedSharp.Simulation;

/// <summary>
/// A task scheduler with a fixed number of dedicated threads, on which the virtual clients train (it is their
/// <c>FederatedJobOptions.TrainingScheduler</c>) and the global model is evaluated, so no more trainings run at once
/// than there are threads. Work queued through <see cref="Urgent"/> runs before any queued client work.
/// </summary>
/// <remarks>
/// Dedicated threads rather than thread-pool slots: training holds a thread for seconds, and on the pool it would
/// starve the timers and the observer's polls (which then see rounds end late) until the pool grew.
/// The urgent queue is for the global model's evaluation: behind a hundred clients' training it would start only when
/// the last round's clients are done and leave every thread but one idle at the end; ahead of them it runs while the
/// next round trains.
/// </remarks>
internal sealed class TrainingThreads : TaskScheduler, IDisposable
{
    private readonly ConcurrentQueue<Task> _urgent = new();
    private readonly ConcurrentQueue<Task> _normal = new();
    private readonly SemaphoreSlim _queued = new(0);
    private readonly Thread[] _threads;
    private volatile bool _completed;

    /// <summary>Starts <paramref name="count"/> background threads.</summary>
    public TrainingThreads(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Urgent = new UrgentScheduler(this);
        _threads = new Thread[count];
        for (int i = 0; i < count; i++)
        {
            _threads[i] = new Thread(Serve) { IsBackground = true, Name = $"fedsharp-simulation-{i}" };
            _threads[i].Start();
        }
    }

    /// <summary>The same threads, taking tasks queued here before any other.</summary>
    public TaskScheduler Urgent { get; }

    /// <inheritdoc />
    public override int MaximumConcurrencyLevel => _threads.Length;

    /// <summary>Lets the threads finish the queued tasks, then joins them (except the calling thread, if it is one).</summary>
    public void Dispose()
    {
        _completed = true;
        _queued.Release(_threads.Length);
        foreach (Thread thread in _threads)
        {
            if (thread != Thread.CurrentThread)
            {
                thread.Join();
            }
        }
    }

    /// <inheritdoc />
    protected override void QueueTask(Task task) => Enqueue(_normal, task, this);

    // Inlining would run a client's continuation on whichever thread completed its task (a timer, the observer), past
    // the thread limit; only our own threads may run work inline.
    /// <inheritdoc />
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        !taskWasPreviouslyQueued && Array.IndexOf(_threads, Thread.CurrentThread) >= 0 && TryExecuteTask(task);

    /// <inheritdoc />
    protected override IEnumerable<Task> GetScheduledTasks() => [.. _urgent, .. _normal];

    // A task may only be run by the scheduler it was queued to; the urgent queue's tasks are run through it.
    private void Enqueue(ConcurrentQueue<Task> queue, Task task, TaskScheduler owner)
    {
        if (_completed)
        {
            // After Dispose, the last continuations of cancelled clients (a timer that fired late) finish on the pool.
            ThreadPool.QueueUserWorkItem(_ => Run(owner, task));
            return;
        }

        queue.Enqueue(task);
        _queued.Release();
    }

    private void Serve()
    {
        while (true)
        {
            _queued.Wait();
            if (_urgent.TryDequeue(out Task? task))
            {
                ((UrgentScheduler)Urgent).Run(task);
            }
            else if (_normal.TryDequeue(out task))
            {
                TryExecuteTask(task);
            }
            else if (_completed)
            {
                return;
            }
        }
    }

    private static void Run(TaskScheduler owner, Task task)
    {
        if (owner is UrgentScheduler urgent)
        {
            urgent.Run(task);
        }
        else
        {
            ((TrainingThreads)owner).TryExecuteTask(task);
        }
    }

    /// <summary>Queues onto the owner's urgent queue.</summary>
    private sealed class UrgentScheduler(TrainingThreads owner) : TaskScheduler
    {
        public override int MaximumConcurrencyLevel => owner.MaximumConcurrencyLevel;

        public void Run(Task task) => TryExecuteTask(task);

        protected override void QueueTask(Task task) => owner.Enqueue(owner._urgent, task, this);

        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
            !taskWasPreviouslyQueued && Array.IndexOf(owner._threads, Thread.CurrentThread) >= 0 && TryExecuteTask(task);

        protected override IEnumerable<Task> GetScheduledTasks() => owner._urgent;
    }
}
