using System.Collections.Concurrent;
using FedSharp.Client.Training;
using FedSharp.Client.Transport;
using FedSharp.Core.Models;
using FedSharp.Core.Protocol;
using FedSharp.Learning.Models;
using FedSharp.Server.Rounds;
using FedSharp.Server.Stores;
using Google.Protobuf;

namespace FedSharp.Client.Tests;

/// <summary>FederatedJob's refusals, waits and stops, against the real server handler in process on a manual clock.</summary>
public sealed class FederatedJobTests
{
    [Fact]
    public async Task RunAsync_WrongJobName_ThrowsNamingRoundIterationAndReason()
    {
        await using InProcessFederation federation = await InProcessFederation.StartAsync(c => { });
        FederatedJob job = federation.CreateJob("stray", 1, 20, configure: o => o.FlName = "another-job");

        var ex = await Assert.ThrowsAsync<FederatedJobException>(() => job.RunAsync(CancellationToken.None));

        Assert.Equal((RoundPaths.StartFLJob, 1, (Retcode?)Retcode.RequestError), (ex.Round, ex.Iteration, ex.Retcode));
        Assert.Contains("'stray'", ex.Message);
        Assert.Contains("iteration 1", ex.Message);
        Assert.Contains("another-job", ex.Message);
    }

    [Fact]
    public async Task RunAsync_StartedOnAUiThread_NeitherTrainsNorResumesThere()
    {
        // Arrange: MAUI and Unity start the job on their main thread, which has a synchronization context.
        await using InProcessFederation federation = await InProcessFederation.StartAsync(c =>
        {
            c.FlIterationNum = 1;
            c.Round.StartFlJobThreshold = 1;
        });
        using var ui = new UiThreadContext();
        var trainer = new ThreadRecordingTrainer(new LearningTrainer(InProcessFederation.Model, 7, SyntheticData.Create(30, 3), SyntheticData.Create(20, 4), new Random(3)));
        var requests = new ConcurrentQueue<(string Round, int ThreadId)>();
        var transport = new InProcessTransport((round, body, ct) =>
        {
            requests.Enqueue((round, Environment.CurrentManagedThreadId));
            return federation.Transport.SendAsync(round, body, ct);
        });
        FederatedJob job = federation.CreateJob(new FederatedJobOptions { FlName = InProcessFederation.FlName, ClientId = "phone" }, trainer, transport);

        // Act
        Task<FederatedJobResult> run = federation.Start(job, () => ui.Run(() => job.RunAsync(CancellationToken.None)));
        await federation.DriveAsync();

        // Assert: only the first request goes out before the job's first await; nothing after it runs on the UI thread.
        Assert.Equal(FederatedJobStopReason.PlanCompleted, (await run).StopReason);
        Assert.Equal((RoundPaths.StartFLJob, ui.ThreadId), requests.First());
        Assert.All(requests.Skip(1), r => Assert.NotEqual(ui.ThreadId, r.ThreadId));
        Assert.Contains(RoundPaths.UpdateModel, requests.Select(r => r.Round));
        Assert.NotEmpty(trainer.Threads);
        Assert.DoesNotContain(ui.ThreadId, trainer.Threads);
    }

    [Fact]
    public async Task RunAsync_InstanceAlreadyFinished_StopsCleanlyWithTheFinalModel()
    {
        await using InProcessFederation federation = await InProcessFederation.StartAsync(c =>
        {
            c.FlIterationNum = 1;
            c.Round.StartFlJobThreshold = 1;
        });
        FederatedJob first = federation.CreateJob("first", 10, 30);
        Task<FederatedJobResult> firstRun = federation.Start(first);
        await federation.DriveAsync();
        FederatedJob latecomer = federation.CreateJob("latecomer", 11, 30);

        FederatedJobResult result = await latecomer.RunAsync(CancellationToken.None);

        Assert.Equal(FederatedJobStopReason.InstanceFinished, result.StopReason);
        Assert.Equal(0, result.IterationsJoined);
        Assert.Empty(result.Iterations);
        Assert.Equal(1, result.FinalModelIteration);
        ModelAssert.BitEqual(first.Trainer.GetParameters(), latecomer.Trainer.GetParameters());
    }

    [Fact]
    public async Task RunAsync_UpdateArrivesAfterTheLastIterationFailed_StopsWithPlanCompleted()
    {
        await using InProcessFederation federation = await InProcessFederation.StartAsync(c =>
        {
            c.FlIterationNum = 1;
            c.Round.StartFlJobThreshold = 1;
            c.Round.UpdateModelTimeWindow = TimeSpan.FromSeconds(30);
        });
        federation.HoldUpdates();
        FederatedJob job = federation.CreateJob("straggler", 15, 30);
        Task<FederatedJobResult> run = federation.Start(job);
        await federation.WhenHeldAsync("straggler").WaitAsync(TimeSpan.FromSeconds(30));

        // The updateModel window closes with no update, so the last iteration fails and the instance finishes
        // while the client's upload is still on its way.
        federation.Time.Advance(TimeSpan.FromSeconds(31));
        await WaitUntilAsync(() => federation.Coordinator.GetStateAsync(CancellationToken.None).Result.Status == InstanceStatus.Finished);
        federation.ReleaseUpdates();
        await federation.DriveAsync();

        FederatedJobResult result = await run;
        Assert.Equal(FederatedJobStopReason.PlanCompleted, result.StopReason);
        Assert.Equal(0, result.IterationsJoined);
        IterationReport report = Assert.Single(result.Iterations);
        Assert.Equal((1, IterationParticipation.UpdateRejected, (bool?)false), (report.Iteration, report.Participation, report.Valid));
        Assert.Equal(0, result.FinalModelIteration);
        Assert.Empty(federation.Updates);
    }

    [Fact]
    public async Task RunAsync_SafeMode_WaitsRetryAfterAndResendsTheSameRequest()
    {
        await using InProcessFederation federation = await InProcessFederation.StartAsync(c =>
        {
            c.FlIterationNum = 1;
            c.Round.StartFlJobThreshold = 1;
        });
        var sentAt = new List<DateTimeOffset>();
        int safeModeReplies = 2;
        var transport = new InProcessTransport(async (round, body, ct) =>
        {
            if (round == RoundPaths.StartFLJob)
            {
                sentAt.Add(federation.Time.GetUtcNow());
                if (safeModeReplies-- > 0)
                {
                    return new TransportResponse(503, "The cluster is between iterations."u8.ToArray(), TimeSpan.FromSeconds(30));
                }
            }

            return await federation.Transport.SendAsync(round, body, ct);
        });
        FederatedJob job = federation.CreateJob("patient", 20, 30, transport: transport);

        Task<FederatedJobResult> run = federation.Start(job);
        await federation.DriveAsync();

        Assert.Equal(FederatedJobStopReason.PlanCompleted, (await run).StopReason);
        Assert.Equal(3, sentAt.Count);
        Assert.Equal(TimeSpan.FromSeconds(30), sentAt[1] - sentAt[0]);
        Assert.Equal(TimeSpan.FromSeconds(30), sentAt[2] - sentAt[1]);
    }

    [Fact]
    public async Task RunAsync_WaitLongerThanMaxRunTime_StopsWithDeadlineReached()
    {
        await using InProcessFederation federation = await InProcessFederation.StartAsync(c => c.Round.StartFlJobThreshold = 1);
        federation.HoldUpdates();
        FederatedJob holder = federation.CreateJob("holder", 30, 30, configure: o => o.MaxIterations = 1);
        _ = federation.Start(holder);
        await WaitUntilAsync(() => federation.ModelsHandedOut.ContainsKey(1));
        FederatedJob hurried = federation.CreateJob("hurried", 31, 30, configure: o => o.MaxRunTime = TimeSpan.FromSeconds(10));

        FederatedJobResult result = await hurried.RunAsync(CancellationToken.None);
        federation.ReleaseUpdates();
        await federation.DriveAsync();

        Assert.Equal(FederatedJobStopReason.DeadlineReached, result.StopReason);
        Assert.Null(result.FinalModelIteration);
        IterationReport refused = Assert.Single(result.Iterations);
        Assert.Equal(IterationParticipation.NotSelected, refused.Participation);
    }

    [Fact]
    public async Task RunAsync_CancelledWhileWaiting_ThrowsOperationCanceled()
    {
        await using InProcessFederation federation = await InProcessFederation.StartAsync(c => c.Round.StartFlJobThreshold = 1);
        federation.HoldUpdates();
        var refused = new TaskCompletionSource();
        FederatedJob holder = federation.CreateJob("holder", 40, 30, configure: o => o.MaxIterations = 1);
        _ = federation.Start(holder);
        await WaitUntilAsync(() => federation.ModelsHandedOut.ContainsKey(1));
        using var cancellation = new CancellationTokenSource();
        FederatedJob waiting = federation.CreateJob("waiting", 41, 30, new SynchronousProgress<IterationReport>(_ => refused.TrySetResult()));

        Task<FederatedJobResult> run = federation.Start(waiting, cancellation.Token);
        await refused.Task.WaitAsync(TimeSpan.FromSeconds(30));
        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        federation.ReleaseUpdates();
        await federation.DriveAsync();
    }

    [Fact]
    public async Task RunAsync_TrainingDiverges_UploadsNothingAndReportsTheFailedIteration()
    {
        await using InProcessFederation federation = await InProcessFederation.StartAsync(c =>
        {
            c.FlIterationNum = 1;
            c.Round.StartFlJobThreshold = 1;
            c.Round.UpdateModelTimeWindow = TimeSpan.FromSeconds(30);
            c.Client.ClientLearningRate = 3e38;
            c.Client.ClientMomentum = 0.9;
        });
        FederatedJob job = federation.CreateJob("unstable", 50, 60);

        Task<FederatedJobResult> run = federation.Start(job);
        await federation.DriveAsync();

        FederatedJobResult result = await run;
        IterationReport report = Assert.Single(result.Iterations);
        Assert.Equal((IterationParticipation.TrainingDiverged, (bool?)false), (report.Participation, report.Valid));
        Assert.Contains("diverged", report.Reason);
        Assert.Empty(federation.Updates);
        Assert.Equal(0, result.FinalModelIteration);
    }

    [Fact]
    public async Task GetModelAsync_FreshClient_LoadsTheGlobalModelForEvaluateAndInfer()
    {
        await using InProcessFederation federation = await InProcessFederation.StartAsync(c => { });
        var trainer = new LearningTrainer(InProcessFederation.Model, 12345, SyntheticData.Create(20, 60), SyntheticData.Create(20, 61), new Random(1));
        FederatedJob job = federation.CreateJob(new FederatedJobOptions { FlName = InProcessFederation.FlName, ClientId = "reader" }, trainer);

        int modelIteration = await job.GetModelAsync(CancellationToken.None);
        LocalEvaluationResult? evaluation = await job.EvaluateAsync(CancellationToken.None);
        int[] labels = await job.InferAsync(SyntheticData.Create(5, 62).Features.ToArray(), CancellationToken.None);

        Assert.Equal(0, modelIteration);
        ModelAssert.BitEqual(InProcessFederation.InitialModel(), trainer.GetParameters());
        Assert.Equal(20, evaluation!.SampleCount);
        Assert.Equal(5, labels.Length);
        Assert.All(labels, l => Assert.InRange(l, 0, 9));
    }

    [Fact]
    public void Constructor_MissingClientId_ThrowsNamingTheOption()
    {
        var trainer = new LearningTrainer(ModelZoo.LogisticRegression, 1, SyntheticData.Create(5, 1), null, new Random(1));
        var transport = new InProcessTransport((_, _, _) => Task.FromResult(new TransportResponse(404, ReadOnlyMemory<byte>.Empty, null)));

        var ex = Assert.Throws<ArgumentException>(() => new FederatedJob(new FederatedJobOptions { FlName = "job" }, transport, trainer, TimeProvider.System));

        Assert.Contains("ClientId", ex.Message);
    }

    [Fact]
    public async Task RunAsync_ServerAnswersNotFound_ThrowsWithTheServersText()
    {
        var trainer = new LearningTrainer(ModelZoo.LogisticRegression, 1, SyntheticData.Create(5, 1), null, new Random(1));
        var transport = new InProcessTransport((round, _, _) => Task.FromResult(new TransportResponse(404, System.Text.Encoding.UTF8.GetBytes($"No round '{round}' here."), null)));
        var job = new FederatedJob(new FederatedJobOptions { FlName = "job", ClientId = "c1" }, transport, trainer, TimeProvider.System);

        var ex = await Assert.ThrowsAsync<FederatedJobException>(() => job.RunAsync(CancellationToken.None));

        Assert.Contains("HTTP 404", ex.Message);
        Assert.Contains("No round 'startFLJob' here.", ex.Message);
    }

    [Fact]
    public async Task RunAsync_ServerModelOfAnotherArchitecture_ThrowsNamingTheTensor()
    {
        await using InProcessFederation federation = await InProcessFederation.StartAsync(c => c.Round.StartFlJobThreshold = 1);
        var trainer = new LearningTrainer(ModelZoo.Mlp2nn, 1, SyntheticData.Create(10, 70), null, new Random(1));
        FederatedJob job = federation.CreateJob(new FederatedJobOptions { FlName = InProcessFederation.FlName, ClientId = "mismatched" }, trainer);

        var ex = await Assert.ThrowsAsync<FederatedJobException>(() => job.RunAsync(CancellationToken.None));

        Assert.Equal((RoundPaths.StartFLJob, 1), (ex.Round, ex.Iteration));
        Assert.Contains("'mismatched'", ex.Message);
        Assert.Contains("linear.weight", ex.Message);
    }

    [Fact]
    public async Task RunAsync_RoundStoreDownForHalfASecond_BacksOffThroughTheClockAndCompletesThePlan()
    {
        OutageRoundStore? store = null;
        await using InProcessFederation federation = await InProcessFederation.StartWithRoundStoreAsync(
            c =>
            {
                c.FlIterationNum = 1;
                c.Round.StartFlJobThreshold = 1;
            },
            time => store = new OutageRoundStore(new InMemoryRoundStore(), time));
        store!.DownUntil = federation.Time.GetUtcNow() + TimeSpan.FromMilliseconds(500);
        (InProcessTransport transport, List<DateTimeOffset> startSentAt) = RecordingStartFLJob(federation);
        FederatedJob job = federation.CreateJob("resilient", 90, 30, transport: transport);

        Task<FederatedJobResult> run = federation.Start(job);
        await federation.DriveAsync();

        FederatedJobResult result = await run;
        Assert.Equal((FederatedJobStopReason.PlanCompleted, 1), (result.StopReason, result.IterationsJoined));
        Assert.Equal([IterationParticipation.ServerFault, IterationParticipation.Uploaded], result.Iterations.Select(r => r.Participation));
        Assert.Contains("round store is unreachable", result.Iterations[0].Reason);
        Assert.Equal(2, startSentAt.Count);
        Assert.Equal(TimeSpan.FromSeconds(1), startSentAt[1] - startSentAt[0]);
        Assert.True(federation.Updates.ContainsKey((1, "resilient")));
    }

    [Fact]
    public async Task RunAsync_RoundStoreStaysDown_ThrowsAfterTheRetriesWithGrowingCappedWaits()
    {
        OutageRoundStore? store = null;
        await using InProcessFederation federation = await InProcessFederation.StartWithRoundStoreAsync(
            c => c.Round.StartFlJobThreshold = 1,
            time => store = new OutageRoundStore(new InMemoryRoundStore(), time));
        store!.DownUntil = DateTimeOffset.MaxValue;
        (InProcessTransport transport, List<DateTimeOffset> startSentAt) = RecordingStartFLJob(federation);
        FederatedJob job = federation.CreateJob("stranded", 91, 30, transport: transport, configure: o =>
        {
            o.MaxTransportRetries = 3;
            o.RetryInterval = TimeSpan.FromSeconds(1);
            o.MaxSingleWait = TimeSpan.FromSeconds(3);
        });

        Task<FederatedJobResult> run = federation.Start(job);
        await federation.DriveAsync();
        var ex = await Assert.ThrowsAsync<FederatedJobException>(() => run);

        Assert.Equal((RoundPaths.StartFLJob, 1, (Retcode?)Retcode.SystemError), (ex.Round, ex.Iteration, ex.Retcode));
        Assert.Contains("'stranded'", ex.Message);
        Assert.Contains("3 retries", ex.Message);
        Assert.Contains("round store is unreachable", ex.Message);
        // Four refusals: the first try and three retries, waiting 1 s, 2 s and then the 3 s cap.
        TimeSpan[] waits = [.. startSentAt.Skip(1).Zip(startSentAt, (later, earlier) => later - earlier)];
        Assert.Equal(3, waits.Length);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3)], waits);
    }

    [Fact]
    public async Task RunAsync_UpdateModelSystemErrorOnce_RestartsWithStartFLJobAndJoinsTheNextIteration()
    {
        await using InProcessFederation federation = await InProcessFederation.StartAsync(c =>
        {
            c.FlIterationNum = 2;
            c.Round.StartFlJobThreshold = 1;
            c.Round.UpdateModelTimeWindow = TimeSpan.FromSeconds(30);
        });
        int faults = 1;
        var transport = new InProcessTransport(async (round, body, ct) => round == RoundPaths.UpdateModel && Interlocked.Decrement(ref faults) == 0
            ? new TransportResponse(200, new UpdateModelResponse { Retcode = Retcode.SystemError, Reason = "The update store refused the write." }.ToByteArray(), null)
            : await federation.Transport.SendAsync(round, body, ct));
        FederatedJob job = federation.CreateJob("unlucky", 80, 20, transport: transport);

        Task<FederatedJobResult> run = federation.Start(job);
        await federation.DriveAsync();

        FederatedJobResult result = await run;
        Assert.Equal(FederatedJobStopReason.PlanCompleted, result.StopReason);
        // The fault cost iteration 1: the restarted startFLJob is refused as a second join, iteration 1 times out,
        // and the client takes part in iteration 2.
        Assert.Equal(
            [(1, IterationParticipation.ServerFault), (1, IterationParticipation.NotSelected), (2, IterationParticipation.Uploaded)],
            result.Iterations.Select(r => (r.Iteration, r.Participation)));
        Assert.Equal("The update store refused the write.", result.Iterations[0].Reason);
        Assert.True(result.Iterations[^1].Valid);
        Assert.False(federation.Updates.ContainsKey((1, "unlucky")));
    }

    private static (InProcessTransport Transport, List<DateTimeOffset> StartSentAt) RecordingStartFLJob(InProcessFederation federation)
    {
        var sentAt = new List<DateTimeOffset>();
        var transport = new InProcessTransport((round, body, ct) =>
        {
            if (round == RoundPaths.StartFLJob)
            {
                lock (sentAt)
                {
                    sentAt.Add(federation.Time.GetUtcNow());
                }
            }

            return federation.Transport.SendAsync(round, body, ct);
        });
        return (transport, sentAt);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (int i = 0; i < 3000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), "The condition was not met within 30 s.");
    }

    /// <summary>Passes every call through and records the threads that trained or evaluated.</summary>
    private sealed class ThreadRecordingTrainer(ITrainer inner) : ITrainer
    {
        public ConcurrentBag<int> Threads { get; } = [];

        public int DataSize => inner.DataSize;

        public int EvaluationDataSize => inner.EvaluationDataSize;

        public int SampleSize => inner.SampleSize;

        public ModelParameters GetParameters() => inner.GetParameters();

        public void SetParameters(ModelParameters parameters) => inner.SetParameters(parameters);

        public LocalTrainingResult Train(LocalTrainingPlan plan)
        {
            Threads.Add(Environment.CurrentManagedThreadId);
            return inner.Train(plan);
        }

        public LocalEvaluationResult? Evaluate()
        {
            Threads.Add(Environment.CurrentManagedThreadId);
            return inner.Evaluate();
        }

        public void Predict(ReadOnlySpan<float> features, Span<int> destination) => inner.Predict(features, destination);
    }
}
