using FedSharp.Client.Training;
using FedSharp.Client.Transport;
using FedSharp.Core.Protocol;
using FedSharp.Learning.Models;
using FedSharp.Testing;
using Google.Protobuf;

namespace FedSharp.Client.Tests;

/// <summary>Replies no real server gives on demand (a skewed clock, an overlapping run), scripted round by round.</summary>
public sealed class FederatedJobScriptedTests
{
    [Fact]
    public async Task RunAsync_ServerClockAnHourBehind_WaitsTheServersIntervalNotItsClock()
    {
        var time = new ManualTimeProvider();
        DateTimeOffset serverNow = time.GetUtcNow() - TimeSpan.FromHours(1);
        var startSentAt = new List<DateTimeOffset>();
        var transport = new InProcessTransport((round, _, _) =>
        {
            IMessage reply = round switch
            {
                RoundPaths.StartFLJob when startSentAt.Count == 0 => new StartFLJobResponse
                {
                    Retcode = Retcode.OutOfTime,
                    Reason = "The startFLJob threshold is reached.",
                    Iteration = 4,
                    ServerTimeMs = serverNow.ToUnixTimeMilliseconds(),
                    NextReqTimeMs = (serverNow + TimeSpan.FromSeconds(10)).ToUnixTimeMilliseconds(),
                },
                RoundPaths.StartFLJob => new StartFLJobResponse { Retcode = Retcode.RequestError, Reason = "The instance finished after iteration 4 of 4.", Iteration = 4 },
                RoundPaths.GetResult => new GetResultResponse { Retcode = Retcode.Succeed, Iteration = 4, Outcome = IterationOutcome.Valid },
                _ => throw new InvalidOperationException($"unexpected round {round}"),
            };
            if (round == RoundPaths.StartFLJob)
            {
                startSentAt.Add(time.GetUtcNow());
            }

            return Task.FromResult(new TransportResponse(200, reply.ToByteArray(), null));
        });
        var job = new FederatedJob(new FederatedJobOptions { FlName = "job", ClientId = "skewed", DownloadFinalModel = false }, transport, Trainer(), time);

        Task<FederatedJobResult> run = Task.Run(() => job.RunAsync(CancellationToken.None));
        await StepThroughWaitsAsync(time, run);

        FederatedJobResult result = await run;
        Assert.Equal(FederatedJobStopReason.InstanceFinished, result.StopReason);
        Assert.Equal(2, startSentAt.Count);
        // Measured on the server's clock the wait is 10 s; on the client's it would look an hour past.
        Assert.Equal(TimeSpan.FromSeconds(10), startSentAt[1] - startSentAt[0]);
        Assert.Equal(startSentAt[0] + TimeSpan.FromSeconds(10), Assert.Single(result.Iterations).NextRequestTime);
    }

    [Fact]
    public async Task RunAsync_ServerAsksForAbsurdWaits_WaitsAtMostMaxSingleWaitAndNeverThrows()
    {
        // Regression: a Retry-After of 100 days was not capped, and a next_req_time past year 9999 threw while being
        // converted; a server's numbers must never crash the client.
        var time = new ManualTimeProvider();
        var startSentAt = new List<DateTimeOffset>();
        var transport = new InProcessTransport((round, _, _) =>
        {
            if (round == RoundPaths.StartFLJob)
            {
                startSentAt.Add(time.GetUtcNow());
            }

            TransportResponse response = (round, startSentAt.Count) switch
            {
                (RoundPaths.StartFLJob, 1) => new TransportResponse(503, "The cluster is in safe mode."u8.ToArray(), TimeSpan.FromDays(100)),
                (RoundPaths.StartFLJob, 2) => Reply(new StartFLJobResponse
                {
                    Retcode = Retcode.OutOfTime,
                    Reason = "The startFLJob threshold is reached.",
                    Iteration = 4,
                    NextReqTimeMs = long.MaxValue - 1,
                }),
                (RoundPaths.StartFLJob, _) => Reply(new StartFLJobResponse { Retcode = Retcode.RequestError, Reason = "The instance finished after iteration 4 of 4.", Iteration = 4 }),
                (RoundPaths.GetResult, _) => Reply(new GetResultResponse { Retcode = Retcode.Succeed, Iteration = 4, Outcome = IterationOutcome.Valid }),
                _ => throw new InvalidOperationException($"unexpected round {round}"),
            };
            return Task.FromResult(response);
        });
        var options = new FederatedJobOptions { FlName = "job", ClientId = "patient", DownloadFinalModel = false, MaxSingleWait = TimeSpan.FromSeconds(5) };
        var job = new FederatedJob(options, transport, Trainer(), time);

        Task<FederatedJobResult> run = Task.Run(() => job.RunAsync(CancellationToken.None));
        await StepThroughWaitsAsync(time, run);

        FederatedJobResult result = await run;
        Assert.Equal(FederatedJobStopReason.InstanceFinished, result.StopReason);
        Assert.Equal(3, startSentAt.Count);
        Assert.Equal(TimeSpan.FromSeconds(5), startSentAt[1] - startSentAt[0]);
        Assert.Equal(TimeSpan.FromSeconds(5), startSentAt[2] - startSentAt[1]);
    }

    private static TransportResponse Reply(IMessage message) => new(200, message.ToByteArray(), null);

    // Moves the clock only while the job waits on it, and exactly to the end of that wait, so the measured waits do not
    // depend on how fast the machine runs the job between two steps.
    private static async Task StepThroughWaitsAsync(ManualTimeProvider time, Task run)
    {
        for (int i = 0; i < 2000 && !run.IsCompleted; i++)
        {
            await Task.WhenAny(run, time.WhenTimerArmedAsync());
            if (!run.IsCompleted)
            {
                time.AdvanceToNextTimer();
            }
        }

        Assert.True(run.IsCompleted, "The job was still running after 2,000 waits.");
    }

    [Fact]
    public async Task RunAsync_CalledWhileRunning_Throws()
    {
        var time = new ManualTimeProvider();
        var polled = new TaskCompletionSource();
        var transport = new InProcessTransport((_, _, _) =>
        {
            polled.TrySetResult();
            return Task.FromResult(new TransportResponse(200, new StartFLJobResponse { Retcode = Retcode.NotReady, Iteration = 1 }.ToByteArray(), null));
        });
        var job = new FederatedJob(new FederatedJobOptions { FlName = "job", ClientId = "twice" }, transport, Trainer(), time);
        using var cancellation = new CancellationTokenSource();
        Task<FederatedJobResult> first = Task.Run(() => job.RunAsync(cancellation.Token));
        await polled.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => job.RunAsync(CancellationToken.None));
        cancellation.Cancel();

        Assert.Contains("'twice'", ex.Message);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
    }

    private static LearningTrainer Trainer() => new(ModelZoo.LogisticRegression, 1, SyntheticData.Create(10, 1), null, new Random(1));
}
