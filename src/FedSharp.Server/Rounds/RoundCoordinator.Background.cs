namespace FedSharp.Server.Rounds;

public sealed partial class RoundCoordinator
{
    private readonly Lock _backgroundGate = new();
    private Task _backgroundTail = Task.CompletedTask;

    /// <summary>The fault of the most recent background aggregation or iteration record, or null; they have no caller to throw to.</summary>
    public Exception? LastBackgroundFault { get; private set; }

    /// <summary>
    /// Completes when every aggregation, iteration record and timer-driven deadline check started so far, and any
    /// they started in turn, has finished. A host awaits it before reporting a finished job or shutting down.
    /// </summary>
    public async Task WhenIdleAsync()
    {
        while (true)
        {
            Task tail;
            lock (_backgroundGate)
            {
                tail = _backgroundTail;
            }

            await tail.ConfigureAwait(false);
            await WhenTimersIdleAsync().ConfigureAwait(false);
            lock (_backgroundGate)
            {
                if (ReferenceEquals(tail, _backgroundTail))
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Queues <paramref name="work"/> after everything queued before it, on the thread pool: never inline in the
    /// request that queued it, and in order, so iterations are recorded in the order they ended.
    /// </summary>
    private void RunInBackground(Func<Task> work)
    {
        lock (_backgroundGate)
        {
            _backgroundTail = _backgroundTail
                .ContinueWith(_ => RunGuardedAsync(work), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default)
                .Unwrap();
        }
    }

    private async Task RunGuardedAsync(Func<Task> work)
    {
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LastBackgroundFault = ex;
        }
    }
}
