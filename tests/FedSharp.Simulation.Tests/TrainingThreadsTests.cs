namespace FedSharp.Simulation.Tests;

public sealed class TrainingThreadsTests
{
    [Fact]
    public async Task Urgent_QueuedBehindClientWork_RunsFirst()
    {
        using var threads = new TrainingThreads(1);
        using var busy = new ManualResetEventSlim();
        var order = new List<string>();
        Task blocker = Task.Factory.StartNew(busy.Wait, CancellationToken.None, TaskCreationOptions.None, threads);
        Task[] clients = [.. Enumerable.Range(0, 3).Select(i => Task.Factory.StartNew(() => order.Add($"client {i}"), CancellationToken.None, TaskCreationOptions.None, threads))];
        Task evaluation = Task.Factory.StartNew(() => order.Add("evaluation"), CancellationToken.None, TaskCreationOptions.None, threads.Urgent);

        busy.Set();
        await Task.WhenAll([blocker, evaluation, .. clients]);

        Assert.Equal(["evaluation", "client 0", "client 1", "client 2"], order);
    }

    [Fact]
    public async Task Dispose_AfterQueuedWork_RunsItAllThenStops()
    {
        var threads = new TrainingThreads(2);
        int ran = 0;
        Task[] work = [.. Enumerable.Range(0, 50).Select(_ => Task.Factory.StartNew(() => Interlocked.Increment(ref ran), CancellationToken.None, TaskCreationOptions.None, threads))];

        threads.Dispose();
        await Task.WhenAll(work);
        Task late = Task.Factory.StartNew(() => Interlocked.Increment(ref ran), CancellationToken.None, TaskCreationOptions.None, threads.Urgent);
        await late;

        Assert.Equal(51, ran);
    }
}
