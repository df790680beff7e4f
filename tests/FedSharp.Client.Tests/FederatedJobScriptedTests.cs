using FedSharp.Client.Training;
using FedSharp.Client.Transport;
using FedSharp.Core.Models;
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

    [Theory]
    [InlineData("dp", "encrypt_type DP_ENCRYPT (differential privacy)")]
    [InlineData("masked", "encrypt_type PwEncrypt (secure aggregation)")]
    [InlineData("fedprox", "aggregation FedProx")]
    [InlineData("scaffold", "aggregation Scaffold without the strategy field 'c'")]
    [InlineData("fednova", "aggregation FedNova without the strategy field 'report_local_steps'")]
    [InlineData("compressed", "upload_compress_type DiffSparseQuant")]
    public async Task RunAsync_PlanAsksForWhatTheClientDoesNotBuild_StopsWithoutUploading(string ask, string named)
    {
        var rounds = new List<string>();
        var transport = new InProcessTransport((round, _, _) =>
        {
            rounds.Add(round);
            var plan = new FLPlan { FlName = "job", Iterations = 3, Epochs = 1, MiniBatch = 4, Lr = 0.1f, Cipher = new CipherPublicParams(), Aggregation = new Aggregation() };
            var start = new StartFLJobResponse { Retcode = Retcode.Succeed, Iteration = 1, FlPlan = plan };
            switch (ask)
            {
                case "dp": plan.Cipher.EncryptType = EncryptType.DpEncrypt; break;
                case "masked": plan.Cipher.EncryptType = EncryptType.PwEncrypt; break;
                case "fedprox": plan.Aggregation.Type = AggregationType.FedProx; break;
                case "scaffold": plan.Aggregation.Type = AggregationType.Scaffold; break;
                case "fednova": plan.Aggregation.Type = AggregationType.FedNova; break;
                default: start.UploadCompressType = CompressType.DiffSparseQuant; break;
            }

            return Task.FromResult(Reply(start));
        });
        var job = new FederatedJob(new FederatedJobOptions { FlName = "job", ClientId = "careful", DownloadFinalModel = false }, transport, Trainer(), new ManualTimeProvider());

        FederatedJobException error = await Assert.ThrowsAsync<FederatedJobException>(() => job.RunAsync(CancellationToken.None));

        Assert.Contains($"Client 'careful' stopped in iteration 1: job 'job' asks for {named}", error.Message, StringComparison.Ordinal);
        Assert.Equal([RoundPaths.StartFLJob], rounds);
    }

    [Fact]
    public async Task RunAsync_PlanWithStrategyFieldAHookClaims_HookSeesFieldsAndGlobalModel_AndItsRewriteIsUploaded()
    {
        LearningTrainer trainer = Trainer();
        ModelParameters global = trainer.GetParameters();
        UpdateModelRequest? uploaded = null;
        var transport = new InProcessTransport((round, body, _) =>
        {
            IMessage reply = round switch
            {
                RoundPaths.StartFLJob => StartWithStrategy(global, ("clip_norm", 0.001)),
                RoundPaths.UpdateModel => new UpdateModelResponse { Retcode = Retcode.Succeed },
                RoundPaths.GetResult => new GetResultResponse { Retcode = Retcode.Succeed, Iteration = 1, Outcome = IterationOutcome.Valid },
                _ => throw new InvalidOperationException($"unexpected round {round}"),
            };
            if (round == RoundPaths.UpdateModel)
            {
                uploaded = UpdateModelRequest.Parser.ParseFrom(body.Span);
            }

            return Task.FromResult(Reply(reply));
        });
        var hook = new ClipHook();
        var job = new FederatedJob(
            new FederatedJobOptions { FlName = "job", ClientId = "hooked", DownloadFinalModel = false, UpdateHooks = [hook] }, transport, trainer, new ManualTimeProvider());

        FederatedJobResult result = await job.RunAsync(CancellationToken.None);

        Assert.Equal(FederatedJobStopReason.PlanCompleted, result.StopReason);
        UploadContext seen = Assert.Single(hook.Seen);
        Assert.Equal(0.001, seen.Strategy.Scalars["clip_norm"]);
        Assert.Equal(global.Tensors.SelectMany(t => t.Values), seen.GlobalModel.Tensors.SelectMany(t => t.Values));
        Assert.True(TensorCodec.TryDecode(uploaded!.Tensors, global, out ModelParameters? sent, out _));
        Assert.All(sent.Tensors.SelectMany(t => t.Values), v => Assert.InRange(v, -0.001f, 0.001f));
        Assert.Contains(sent.Tensors.SelectMany(t => t.Values), v => Math.Abs(v) == 0.001f);
    }

    [Fact]
    public async Task RunAsync_PlanWithStrategyFieldNobodyClaims_StopsBeforeTraining()
    {
        LearningTrainer trainer = Trainer();
        ModelParameters global = trainer.GetParameters();
        var rounds = new List<string>();
        var transport = new InProcessTransport((round, _, _) =>
        {
            rounds.Add(round);
            return Task.FromResult(Reply(StartWithStrategy(global, ("noise_multiplier", 1.1))));
        });
        var job = new FederatedJob(new FederatedJobOptions { FlName = "job", ClientId = "plain", DownloadFinalModel = false, UpdateHooks = [new ClipHook()] }, transport, trainer, new ManualTimeProvider());

        FederatedJobException error = await Assert.ThrowsAsync<FederatedJobException>(() => job.RunAsync(CancellationToken.None));

        Assert.Contains("asks for strategy field(s) 'noise_multiplier', which neither this client's trainer nor its update hooks act on", error.Message, StringComparison.Ordinal);
        Assert.Equal([RoundPaths.StartFLJob], rounds);
    }

    [Fact]
    public async Task RunAsync_FedProxPlanTrainerDoesNotClaimMu_StopsBeforeTraining()
    {
        LearningTrainer inner = Trainer();
        ModelParameters global = inner.GetParameters();
        var rounds = new List<string>();
        var transport = new InProcessTransport((round, _, _) =>
        {
            rounds.Add(round);
            StartFLJobResponse start = StartWithStrategy(global, (StrategyFieldNames.ProximalMu, 0.01));
            start.FlPlan.Aggregation.Type = AggregationType.FedProx;
            return Task.FromResult(Reply(start));
        });
        var job = new FederatedJob(new FederatedJobOptions { FlName = "job", ClientId = "custom", DownloadFinalModel = false }, transport, new PlainTrainer(inner), new ManualTimeProvider());

        FederatedJobException error = await Assert.ThrowsAsync<FederatedJobException>(() => job.RunAsync(CancellationToken.None));

        Assert.Contains("asks for aggregation FedProx, whose proximal term this client's trainer (PlainTrainer) does not add", error.Message, StringComparison.Ordinal);
        Assert.Equal([RoundPaths.StartFLJob], rounds);
    }

    [Fact]
    public async Task RunAsync_FedProxPlanTrainerClaimsMu_TrainsAndUploads()
    {
        LearningTrainer trainer = Trainer();
        ModelParameters global = trainer.GetParameters();
        var transport = new InProcessTransport((round, _, _) =>
        {
            StartFLJobResponse start = StartWithStrategy(global, (StrategyFieldNames.ProximalMu, 0.01));
            start.FlPlan.Aggregation.Type = AggregationType.FedProx;
            IMessage reply = round switch
            {
                RoundPaths.StartFLJob => start,
                RoundPaths.UpdateModel => new UpdateModelResponse { Retcode = Retcode.Succeed },
                RoundPaths.GetResult => new GetResultResponse { Retcode = Retcode.Succeed, Iteration = 1, Outcome = IterationOutcome.Valid },
                _ => throw new InvalidOperationException($"unexpected round {round}"),
            };
            return Task.FromResult(Reply(reply));
        });
        var job = new FederatedJob(new FederatedJobOptions { FlName = "job", ClientId = "prox", DownloadFinalModel = false }, transport, trainer, new ManualTimeProvider());

        FederatedJobResult result = await job.RunAsync(CancellationToken.None);

        Assert.Equal(FederatedJobStopReason.PlanCompleted, result.StopReason);
        Assert.Equal(IterationParticipation.Uploaded, Assert.Single(result.Iterations).Participation);
    }

    [Fact]
    public async Task RunAsync_ScaffoldPlanTrainerDoesNotClaimC_StopsBeforeTraining()
    {
        LearningTrainer inner = Trainer();
        ModelParameters global = inner.GetParameters();
        var transport = new InProcessTransport((round, _, _) =>
        {
            StartFLJobResponse start = StartWithStrategy(global, ("unused", 0));
            start.FlPlan.Strategy = new StrategyConfig();
            start.FlPlan.Strategy.Tensors.AddRange(TensorCodec.Encode(new ModelParameters(global.Tensors.Select(t => new ParameterTensor($"c/{t.Name}", [.. t.Shape], new float[t.Length])))));
            start.FlPlan.Aggregation.Type = AggregationType.Scaffold;
            return Task.FromResult(Reply(start));
        });
        var job = new FederatedJob(new FederatedJobOptions { FlName = "job", ClientId = "custom", DownloadFinalModel = false }, transport, new PlainTrainer(inner), new ManualTimeProvider());

        FederatedJobException error = await Assert.ThrowsAsync<FederatedJobException>(() => job.RunAsync(CancellationToken.None));

        Assert.Contains("asks for aggregation Scaffold, whose control-variate correction this client's trainer (PlainTrainer) does not build", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_FedNovaPlan_UploadsStepsAndCoefficientInTheUpdatesStrategyField()
    {
        LearningTrainer trainer = Trainer();
        ModelParameters global = trainer.GetParameters();
        UpdateModelRequest? uploaded = null;
        var transport = new InProcessTransport((round, body, _) =>
        {
            StartFLJobResponse start = StartWithStrategy(global, (StrategyFieldNames.ReportLocalSteps, 1));
            start.FlPlan.Aggregation.Type = AggregationType.FedNova;
            start.FlPlan.Momentum = 0.9f;
            if (round == RoundPaths.UpdateModel)
            {
                uploaded = UpdateModelRequest.Parser.ParseFrom(body.Span);
            }

            IMessage reply = round switch
            {
                RoundPaths.StartFLJob => start,
                RoundPaths.UpdateModel => new UpdateModelResponse { Retcode = Retcode.Succeed },
                RoundPaths.GetResult => new GetResultResponse { Retcode = Retcode.Succeed, Iteration = 1, Outcome = IterationOutcome.Valid },
                _ => throw new InvalidOperationException($"unexpected round {round}"),
            };
            return Task.FromResult(Reply(reply));
        });
        var job = new FederatedJob(new FederatedJobOptions { FlName = "job", ClientId = "nova", DownloadFinalModel = false }, transport, trainer, new ManualTimeProvider());

        await job.RunAsync(CancellationToken.None);

        int steps = (trainer.DataSize + 3) / 4;
        Assert.Equal(steps, uploaded!.Strategy.Scalars[StrategyFieldNames.LocalSteps]);
        Assert.Equal(FedSharp.Learning.Optimizers.FedNovaCoefficient.Compute(steps, 0.9f), uploaded.Strategy.Scalars[StrategyFieldNames.NormalizingCoefficient]);
    }

    // A custom trainer that knows nothing of strategy fields, as a user's own ITrainer would by default.
    private sealed class PlainTrainer(ITrainer inner) : ITrainer
    {
        public int DataSize => inner.DataSize;

        public int EvaluationDataSize => inner.EvaluationDataSize;

        public int SampleSize => inner.SampleSize;

        public ModelParameters GetParameters() => inner.GetParameters();

        public void SetParameters(ModelParameters parameters) => inner.SetParameters(parameters);

        public LocalTrainingResult Train(LocalTrainingPlan plan) => inner.Train(plan);

        public LocalEvaluationResult? Evaluate() => inner.Evaluate();

        public void Predict(ReadOnlySpan<float> features, Span<int> destination) => inner.Predict(features, destination);
    }

    private static StartFLJobResponse StartWithStrategy(ModelParameters global, (string Name, double Value) field)
    {
        var plan = new FLPlan { FlName = "job", Iterations = 1, Epochs = 1, MiniBatch = 4, Lr = 0.5f, Cipher = new CipherPublicParams(), Aggregation = new Aggregation(), Strategy = new StrategyConfig() };
        plan.Strategy.Scalars.Add(field.Name, field.Value);
        var start = new StartFLJobResponse { Retcode = Retcode.Succeed, Iteration = 1, FlPlan = plan };
        start.Tensors.AddRange(TensorCodec.Encode(global));
        return start;
    }

    // Clips every value of the update to ±clip_norm, as a DP hook would clip before adding noise.
    private sealed class ClipHook : IUpdateHook
    {
        public List<UploadContext> Seen { get; } = [];

        public IReadOnlyCollection<string> StrategyFields => ["clip_norm"];

        public void BeforeUpload(UploadContext context)
        {
            Seen.Add(context);
            float clip = (float)context.Strategy.Scalars["clip_norm"];
            foreach (ParameterTensor tensor in context.Update.Tensors)
            {
                for (int i = 0; i < tensor.Values.Length; i++)
                {
                    tensor.Values[i] = Math.Clamp(tensor.Values[i], -clip, clip);
                }
            }
        }
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
