using System.Collections.Concurrent;

namespace FedSharp.Client.Tests;

/// <summary>
/// A synchronization context with one thread of its own, as MAUI's or Unity's main thread: work posted to it runs
/// there, one item at a time, and code started on it sees it as <see cref="SynchronizationContext.Current"/>.
/// </summary>
internal sealed class UiThreadContext : SynchronizationContext, IDisposable
{
    private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = [];
    private readonly Thread _thread;

    public UiThreadContext()
    {
        _thread = new Thread(Pump) { IsBackground = true, Name = "ui-thread" };
        _thread.Start();
    }

    public int ThreadId => _thread.ManagedThreadId;

    /// <summary>Starts <paramref name="start"/> on the UI thread and returns the task it returns.</summary>
    public Task<T> Run<T>(Func<Task<T>> start)
    {
        var started = new TaskCompletionSource<Task<T>>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(_ =>
        {
            try
            {
                started.SetResult(start());
            }
            catch (Exception ex)
            {
                started.SetException(ex);
            }
        }, null);
        return started.Task.Unwrap();
    }

    public override void Post(SendOrPostCallback d, object? state) => _queue.Add((d, state));

    public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException("A UI thread test context only takes posted work.");

    public void Dispose()
    {
        _queue.CompleteAdding();
        _thread.Join();
        _queue.Dispose();
    }

    private void Pump()
    {
        SetSynchronizationContext(this);
        foreach ((SendOrPostCallback callback, object? state) in _queue.GetConsumingEnumerable())
        {
            callback(state);
        }
    }
}
