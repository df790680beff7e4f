using System.Collections.Concurrent;
using FedSharp.Learning.Models;

namespace FedSharp.Simulation;

/// <summary>
/// A fixed set of training threads, each owning one model instance (its <see cref="Sequential"/> with layer
/// buffers, trainer and optimizer): any number of virtual clients borrow whichever worker is free, so a simulation
/// of thousands of clients holds only <see cref="Count"/> models and runs at most that many trainings at once.
/// </summary>
/// <remarks>
/// Work is served first in, first out. Each thread builds its model on first use so the model's pages are touched by
/// the thread that trains on them. Evaluation of the global model goes through the same queue, so the simulation
/// never computes on more threads than it was given.
/// </remarks>
internal sealed class TrainingWorkers : IDisposable
{
    private readonly BlockingCollection<WorkItem> _queue = new(new ConcurrentQueue<WorkItem>());
    private readonly Thread[] _threads;
    private readonly string _modelName;

    /// <summary>Starts <paramref name="count"/> background threads that will each build a <paramref name="modelName"/> model.</summary>
    /// <param name="count">Threads, ≥ 1.</param>
    /// <param name="modelName">The model-zoo architecture the workers train.</param>
    public TrainingWorkers(int count, string modelName)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentNullException.ThrowIfNull(modelName);
        _modelName = modelName;
        _threads = new Thread[count];
        for (int i = 0; i < count; i++)
        {
            _threads[i] = new Thread(Serve) { IsBackground = true, Name = $"fedsharp-sim-worker-{i}" };
            _threads[i].Start();
        }
    }

    /// <summary>Number of worker threads, and of model instances.</summary>
    public int Count => _threads.Length;

    /// <summary>Runs <paramref name="work"/> on the next free worker with that worker's model.</summary>
    /// <param name="work">Runs on a worker thread; it must leave nothing behind in the model it is lent that the next
    /// borrower relies on (it overwrites parameters and resets optimizer state before training).</param>
    /// <param name="cancellationToken">Cancels the work while it waits for a worker; training in progress completes.</param>
    public Task<T> RunAsync<T>(Func<WorkerModel, T> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var item = new WorkItem<T>(work, cancellationToken);
        _queue.Add(item, cancellationToken);
        return item.Completion;
    }

    /// <summary>Lets the threads finish queued work and exit.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        foreach (Thread thread in _threads)
        {
            thread.Join();
        }

        _queue.Dispose();
    }

    private void Serve()
    {
        WorkerModel? model = null;
        foreach (WorkItem item in _queue.GetConsumingEnumerable())
        {
            if (item.IsCancelled)
            {
                item.Cancel();
                continue;
            }

            try
            {
                // The seed does not matter: every borrower overwrites the parameters first.
                model ??= new WorkerModel(ModelZoo.Create(_modelName, 0));
            }
            catch (Exception ex)
            {
                item.Fail(ex);
                continue;
            }

            item.Run(model);
        }
    }

    private abstract class WorkItem
    {
        public abstract bool IsCancelled { get; }

        public abstract void Run(WorkerModel model);

        public abstract void Cancel();

        public abstract void Fail(Exception exception);
    }

    private sealed class WorkItem<T>(Func<WorkerModel, T> work, CancellationToken cancellationToken) : WorkItem
    {
        // Continuations run on the thread pool, never on the worker, so a worker never runs protocol code.
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Completion => _completion.Task;

        public override bool IsCancelled => cancellationToken.IsCancellationRequested;

        public override void Run(WorkerModel model)
        {
            try
            {
                _completion.SetResult(work(model));
            }
            catch (Exception ex)
            {
                // Handed to the awaiting client, whose FederatedJob reports it; a worker thread must survive it.
                _completion.SetException(ex);
            }
        }

        public override void Cancel() => _completion.TrySetCanceled(cancellationToken);

        public override void Fail(Exception exception) => _completion.TrySetException(exception);
    }
}
