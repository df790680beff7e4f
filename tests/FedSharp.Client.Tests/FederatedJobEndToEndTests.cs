using System.Collections.Concurrent;
using System.Globalization;
using FedSharp.Client.Tests.Transport;
using FedSharp.Client.Transport;
using FedSharp.Server.Protocol;
using Xunit.Abstractions;
using FedSharp.Client.Training;
using FedSharp.Core.Models;
using FedSharp.Core.Protocol;

namespace FedSharp.Client.Tests;

/// <summary>FederatedJob against the real server handler and round engine, in process, on a manual clock.</summary>
public sealed class FederatedJobEndToEndTests(ITestOutputHelper output)
{
    [Fact]
    public async Task RunAsync_ThreeClientsThreeIterations_GlobalModelIsFedAvgOfTheirWeights()
    {
        await using InProcessFederation federation = await InProcessFederation.StartAsync(c => { });
        int[] samples = [40, 70, 100];
        FederatedJob[] jobs = [.. samples.Select((n, i) => federation.CreateJob($"client-{i}", dataSeed: 100 + i, samples: n))];

        Task<FederatedJobResult[]> run = Task.WhenAll(jobs.Select(j => federation.Start(j)));
        await federation.DriveAsync();
        FederatedJobResult[] results = await run;

        foreach (FederatedJobResult result in results)
        {
            Assert.Equal(FederatedJobStopReason.PlanCompleted, result.StopReason);
            Assert.Equal(3, result.IterationsJoined);
            Assert.Equal([1, 2, 3], result.Iterations.Select(r => r.Iteration));
            Assert.All(result.Iterations, r => Assert.Equal(IterationParticipation.Uploaded, r.Participation));
            Assert.All(result.Iterations, r => Assert.True(r.Valid));
            Assert.Equal(3, result.FinalModelIteration);
        }

        // Every iteration's model is the data-size-weighted average of the plain weights the clients uploaded.
        for (int iteration = 1; iteration <= 3; iteration++)
        {
            ModelParameters expected = FedAvg(federation.Updates, iteration, samples);
            ModelParameters actual = iteration < 3 ? federation.ModelsHandedOut[iteration + 1] : jobs[0].Trainer.GetParameters();
            AssertClose(expected, actual);
        }

        Assert.Equal(InProcessFederation.InitialModel()[0].Values, federation.ModelsHandedOut[1][0].Values);
        foreach (FederatedJob job in jobs)
        {
            AssertClose(jobs[0].Trainer.GetParameters(), job.Trainer.GetParameters());
        }
    }

    [Fact]
    public async Task RunAsync_FedProxJob_ClientsTrainWithMuAndEveryIterationIsTheirFedAvg()
    {
        await using InProcessFederation federation = await InProcessFederation.StartAsync(c =>
        {
            c.Aggregation.AggregationType = AggregationType.FedProx;
            c.Aggregation.IidRate = 0.5;
        });
        int[] samples = [40, 70, 100];
        FederatedJob[] jobs = [.. samples.Select((n, i) => federation.CreateJob($"client-{i}", dataSeed: 100 + i, samples: n))];

        Task<FederatedJobResult[]> run = Task.WhenAll(jobs.Select(j => federation.Start(j)));
        await federation.DriveAsync();
        FederatedJobResult[] results = await run;

        Assert.All(results, r => Assert.Equal(FederatedJobStopReason.PlanCompleted, r.StopReason));
        Assert.All(results, r => Assert.All(r.Iterations, i => Assert.True(i.Valid)));
        for (int iteration = 1; iteration <= 2; iteration++)
        {
            AssertClose(FedAvg(federation.Updates, iteration, samples), federation.ModelsHandedOut[iteration + 1]);
        }
    }

    [Fact]
    public async Task RunAsync_MoreClientsThanTheThreshold_ExtraClientWaitsAndJoinsTheNextIteration()
    {
        await using InProcessFederation federation = await InProcessFederation.StartAsync(c =>
        {
            c.FlIterationNum = 2;
            c.Round.StartFlJobThreshold = 2;
            c.Round.UpdateModelTimeWindow = TimeSpan.FromMinutes(5);
        });
        var lateReports = new ConcurrentQueue<IterationReport>();
        var refused = new TaskCompletionSource();
        FederatedJob first = federation.CreateJob("first", 200, 60);
        FederatedJob second = federation.CreateJob("second", 201, 60, configure: o => o.MaxIterations = 1);
        FederatedJob late = federation.CreateJob("late", 202, 60, new SynchronousProgress<IterationReport>(r =>
        {
            lateReports.Enqueue(r);
            if (r.Participation == IterationParticipation.NotSelected)
            {
                refused.TrySetResult();
            }
        }));

        // The first two fill iteration 1, and hold it open, before the late client asks.
        federation.HoldUpdates();
        Task<FederatedJobResult> firstRun = federation.Start(first);
        Task<FederatedJobResult> secondRun = federation.Start(second);
        await WaitUntilAsync(() => federation.Coordinator.GetStateAsync(CancellationToken.None).Result.RegisteredCount == 2);
        Task<FederatedJobResult> lateRun = federation.Start(late);
        await refused.Task.WaitAsync(TimeSpan.FromSeconds(30));
        federation.ReleaseUpdates();
        await federation.DriveAsync();

        FederatedJobResult lateResult = await lateRun;
        Assert.Equal(FederatedJobStopReason.PlanCompleted, lateResult.StopReason);
        Assert.Equal(1, lateResult.IterationsJoined);
        IterationReport notSelected = lateResult.Iterations[0];
        Assert.Equal((1, IterationParticipation.NotSelected), (notSelected.Iteration, notSelected.Participation));
        Assert.NotNull(notSelected.NextRequestTime);
        IterationReport joined = lateResult.Iterations[^1];
        Assert.Equal((2, IterationParticipation.Uploaded, (bool?)true), (joined.Iteration, joined.Participation, joined.Valid));
        Assert.True(federation.Updates.ContainsKey((2, "late")));
        Assert.Equal(2, (await firstRun).IterationsJoined);
        Assert.Equal(FederatedJobStopReason.IterationLimitReached, (await secondRun).StopReason);
        Assert.Equal(lateResult.Iterations, lateReports);
    }

    [Fact]
    public async Task RunAsync_NextRequestTimeAlreadyPast_KeepsRetryingAndJoinsLater()
    {
        await using InProcessFederation federation = await InProcessFederation.StartAsync(c =>
        {
            c.FlIterationNum = 2;
            c.Round.StartFlJobThreshold = 1;
        });
        // A server whose estimate lags: every refusal names a time already gone.
        federation.StartFLJobRewrite = (id, reply) =>
        {
            if (reply.Retcode == Retcode.OutOfTime)
            {
                reply.NextReqTimeMs = reply.ServerTimeMs - 60_000;
            }

            return reply;
        };
        // Iteration 1 stays open until the late client has been refused three times.
        federation.HoldUpdates();
        int refusals = 0;
        FederatedJob early = federation.CreateJob("early", 300, 40, configure: o => o.MaxIterations = 1);
        FederatedJob late = federation.CreateJob(
            "late",
            301,
            40,
            new SynchronousProgress<IterationReport>(r =>
            {
                if (r.Participation == IterationParticipation.NotSelected && Interlocked.Increment(ref refusals) == 3)
                {
                    federation.ReleaseUpdates();
                }
            }),
            o => o.RetryInterval = TimeSpan.FromMilliseconds(200));
        _ = federation.Start(early);
        await WaitUntilAsync(() => federation.ModelsHandedOut.ContainsKey(1));

        Task<FederatedJobResult> lateRun = federation.Start(late);
        await federation.DriveAsync();

        FederatedJobResult result = await lateRun;
        Assert.Equal(FederatedJobStopReason.PlanCompleted, result.StopReason);
        Assert.Equal((2, IterationParticipation.Uploaded, (bool?)true), (result.Iterations[^1].Iteration, result.Iterations[^1].Participation, result.Iterations[^1].Valid));
        // Refused at least three times within iteration 1, each time retrying after the short interval: no one-restart cap.
        IterationReport[] notSelected = [.. result.Iterations.Where(r => r.Participation == IterationParticipation.NotSelected)];
        Assert.True(notSelected.Length >= 3, $"{notSelected.Length} refusals");
        Assert.All(notSelected, r => Assert.Equal(1, r.Iteration));
    }

    [Fact]
    public async Task RunAsync_HundredClientsSharingOnePool_EveryIterationValidWithFewModels()
    {
        const int Clients = 100;
        await using InProcessFederation federation = await InProcessFederation.StartAsync(c =>
        {
            c.FlIterationNum = 2;
            c.Round.StartFlJobThreshold = Clients;
        });
        ModelPool pool = ModelPool.ForZooModel(InProcessFederation.Model, 7);

        // Two worker threads train, as in a simulation: every job's training and evaluation run on this scheduler.
        TaskScheduler workers = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, maxConcurrencyLevel: 2).ConcurrentScheduler;
        FederatedJob[] jobs = [.. Enumerable.Range(0, Clients).Select(i => federation.CreateJob($"device-{i}", 1000 + i, 20, configure: o => o.TrainingScheduler = workers, pool: pool))];
        Task<FederatedJobResult[]> run = Task.WhenAll(jobs.Select(j => federation.Start(j)));
        await federation.DriveAsync();

        Assert.All(await run, r => Assert.Equal([true, true], r.Iterations.Select(i => i.Valid)));
        // Clients borrow a model only while they train or evaluate: one model per worker thread, not one per client.
        output.WriteLine($"{pool.CreatedCount} models for {Clients} clients on 2 worker threads");
        Assert.InRange(pool.CreatedCount, 1, 2);
    }

    [Fact]
    public async Task RunAsync_OverHttpWithADeadFirstUrl_FailsOverAndCompletesThePlan()
    {
        await using InProcessFederation federation = await InProcessFederation.StartAsync(c =>
        {
            c.FlIterationNum = 2;
            c.Round.StartFlJobThreshold = 2;
        });
        using var server = new LoopbackHttpServer(async request =>
        {
            const string Prefix = "/fl/";
            ProtocolResponse response = await federation.Handler.HandleAsync(request.Path[Prefix.Length..], request.Body, CancellationToken.None);
            return (response.StatusCode, response.Body.ToArray(), response.RetryAfter is { } wait ? ((int)wait.TotalSeconds).ToString(CultureInfo.InvariantCulture) : null);
        });
        var dead = new Uri($"http://127.0.0.1:{LoopbackHttpServer.FreePort()}");
        using var transport = new HttpFederationTransport(new HttpFederationTransportOptions { ServerUrls = [dead, server.Url], UrlPrefix = "fl" });
        FederatedJob[] jobs = [federation.CreateJob("http-0", 500, 30, transport: transport), federation.CreateJob("http-1", 501, 30, transport: transport)];

        Task<FederatedJobResult[]> run = Task.WhenAll(jobs.Select(j => federation.Start(j)));
        await federation.DriveAsync();

        Assert.All(await run, r =>
        {
            Assert.Equal(FederatedJobStopReason.PlanCompleted, r.StopReason);
            Assert.Equal([true, true], r.Iterations.Select(i => i.Valid));
        });
        Assert.All(server.Requests, r => Assert.Equal(("POST", "application/x-protobuf"), (r.Method, r.ContentType)));
        Assert.Contains(server.Requests, r => r.Path == "/fl/updateModel");
    }

    [Fact]
    public async Task RunAsync_OneClientTrainsSlowly_TheClockWaitsForItsTraining()
    {
        // Regression: the clock moved in fixed steps after real delays, so while one client still trained the other's
        // waits and the server's windows ran on, and a slow machine changed what the tests saw.
        await using InProcessFederation federation = await InProcessFederation.StartAsync(c =>
        {
            c.FlIterationNum = 2;
            c.Round.StartFlJobThreshold = 2;
        });
        var slow = new SlowTrainer(
            new LearningTrainer(InProcessFederation.Model, 7, SyntheticData.Create(30, 600), SyntheticData.Create(20, 1600), new Random(600)), federation.Time);
        FederatedJob[] jobs = [federation.CreateJob(new FederatedJobOptions { FlName = InProcessFederation.FlName, ClientId = "slow" }, slow), federation.CreateJob("quick", 601, 30)];

        Task<FederatedJobResult[]> run = Task.WhenAll(jobs.Select(j => federation.Start(j)));
        await federation.DriveAsync();

        Assert.All(await run, r => Assert.Equal([true, true], r.Iterations.Select(i => i.Valid)));
        Assert.Equal(2, slow.ClockDuringTraining.Count);
        Assert.All(slow.ClockDuringTraining, t => Assert.Equal(t.Before, t.After));
    }

    private static ModelParameters FedAvg(ConcurrentDictionary<(int Iteration, string ClientId), ModelParameters> updates, int iteration, int[] samples)
    {
        ModelParameters sum = InProcessFederation.InitialModel().ZerosLike();
        for (int client = 0; client < samples.Length; client++)
        {
            ModelParameters update = updates[(iteration, $"client-{client}")];
            for (int t = 0; t < sum.Count; t++)
            {
                for (int k = 0; k < sum[t].Length; k++)
                {
                    sum[t].Values[k] += (float)((double)update[t].Values[k] * samples[client] / samples.Sum());
                }
            }
        }

        return sum;
    }

    private static void AssertClose(ModelParameters expected, ModelParameters actual)
    {
        Assert.True(expected.HasSameLayout(actual));
        for (int t = 0; t < expected.Count; t++)
        {
            for (int k = 0; k < expected[t].Length; k++)
            {
                float e = expected[t].Values[k];
                float a = actual[t].Values[k];
                Assert.True(Math.Abs(e - a) <= 1e-6f + 1e-5f * Math.Abs(e), $"{expected[t].Name}[{k}]: expected {e}, got {a}");
            }
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (int i = 0; i < 3000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), "The condition was not met within 30 s.");
    }

    /// <summary>Trains for a fifth of a second of real time, as on a busy machine, and reads the clock either side.</summary>
    private sealed class SlowTrainer(ITrainer inner, TimeProvider time) : ITrainer
    {
        public ConcurrentQueue<(DateTimeOffset Before, DateTimeOffset After)> ClockDuringTraining { get; } = [];

        public int DataSize => inner.DataSize;

        public int EvaluationDataSize => inner.EvaluationDataSize;

        public int SampleSize => inner.SampleSize;

        public ModelParameters GetParameters() => inner.GetParameters();

        public void SetParameters(ModelParameters parameters) => inner.SetParameters(parameters);

        public LocalTrainingResult Train(LocalTrainingPlan plan)
        {
            DateTimeOffset before = time.GetUtcNow();
            Thread.Sleep(200);
            LocalTrainingResult result = inner.Train(plan);
            ClockDuringTraining.Enqueue((before, time.GetUtcNow()));
            return result;
        }

        public LocalEvaluationResult? Evaluate() => inner.Evaluate();

        public void Predict(ReadOnlySpan<float> features, Span<int> destination) => inner.Predict(features, destination);
    }
}
