using FedSharp.Client.Training;
using FedSharp.Client.Transport;
using FedSharp.Core.Models;
using FedSharp.Core.Protocol;

namespace FedSharp.Client;

/// <summary>
/// One client's federated learning loop (MindSpore's <c>SyncFLJob</c>): per iteration startFLJob → load the global
/// model → evaluate it → train per the FLPlan → updateModel → poll getResult until the iteration is decided, with
/// OUT_OF_TIME, NOT_READY, safe mode and SYSTEM_ERROR handled by waiting on the injected clock. Also downloads the global model,
/// evaluates and predicts with it.
/// </summary>
/// <remarks>
/// Differences from MindSpore's device client, as docs/protocol.md asks: the update is the plain trained weights
/// (the server weighs it by the data size declared at startFLJob); a <c>next_req_time_ms</c> already past means "retry
/// after <see cref="FederatedJobOptions.RetryInterval"/>", not "fail"; and there is no cap on restarts within one
/// iteration — only <see cref="FederatedJobOptions.MaxRunTime"/> and cancellation bound the loop. One job runs one
/// call at a time.
/// </remarks>
public sealed partial class FederatedJob
{
    private readonly FederatedJobOptions _options;
    private readonly IFederationTransport _transport;
    private readonly ITrainer _trainer;
    private readonly TimeProvider _time;
    private readonly IProgress<IterationReport>? _progress;
    private int _running;

    /// <summary>Creates the job; nothing is sent until <see cref="RunAsync"/>.</summary>
    /// <param name="options">Job name, client id, limits and intervals; validated and copied.</param>
    /// <param name="transport">How requests reach the servers.</param>
    /// <param name="trainer">The client's model and data.</param>
    /// <param name="time">The clock every wait goes through.</param>
    /// <param name="progress">Receives a report after every attempt at an iteration; null for none.</param>
    public FederatedJob(FederatedJobOptions options, IFederationTransport transport, ITrainer trainer, TimeProvider time, IProgress<IterationReport>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(time);
        options.Validate();
        if (trainer.DataSize < 1)
        {
            throw new ArgumentException($"Client '{options.ClientId}' has a trainer with data size {trainer.DataSize}; a federated client needs at least one training sample.", nameof(trainer));
        }

        _options = options.Copy();
        _transport = transport;
        _trainer = trainer;
        _time = time;
        _progress = progress;
    }

    /// <summary>This client's id.</summary>
    public string ClientId => _options.ClientId;

    /// <summary>The client's model and data.</summary>
    public ITrainer Trainer => _trainer;

    /// <summary>
    /// Runs the whole loop until the client has taken part in <see cref="FederatedJobOptions.MaxIterations"/>
    /// iterations, the server's plan is done, the server says the instance finished, or
    /// <see cref="FederatedJobOptions.MaxRunTime"/> runs out.
    /// </summary>
    /// <param name="cancellationToken">Stops the run at the next request or wait.</param>
    /// <returns>Why it stopped, every attempt, and which global model the trainer holds.</returns>
    /// <exception cref="FederatedJobException">The server refused the client for good (REQUEST_ERROR, a malformed
    /// reply, a model that does not fit), answered SYSTEM_ERROR through every retry, or no server was reachable after
    /// the retries.</exception>
    /// <exception cref="InvalidOperationException">The job is already running.</exception>
    public async Task<FederatedJobResult> RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException($"The federated job of client '{_options.ClientId}' is already running; one job runs one loop at a time (create a job per client).");
        }

        try
        {
            return await RunLoopAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private async Task<FederatedJobResult> RunLoopAsync(CancellationToken cancellationToken)
    {
        RunContext run = NewRun(_options.MaxRunTime);
        var reports = new List<IterationReport>();
        int joined = 0;
        int lastDecided = 0;
        int? planIterations = null;
        while (true)
        {
            if (_options.MaxIterations is { } max && joined >= max)
            {
                return await FinishAsync(FederatedJobStopReason.IterationLimitReached, joined, reports, lastDecided, run, cancellationToken).ConfigureAwait(false);
            }

            if (planIterations is { } total && lastDecided >= total)
            {
                return await FinishAsync(FederatedJobStopReason.PlanCompleted, joined, reports, lastDecided, run, cancellationToken).ConfigureAwait(false);
            }

            StartFLJobResponse? start = await ExchangeAsync(RoundPaths.StartFLJob, lastDecided + 1, StartFLJobRequestFor(lastDecided + 1), StartFLJobResponse.Parser, run, cancellationToken).ConfigureAwait(false);
            if (start is null)
            {
                return Stopped(FederatedJobStopReason.DeadlineReached, joined, reports);
            }

            if (start.Retcode == Retcode.SystemError)
            {
                int attempted = start.Iteration > 0 ? start.Iteration : lastDecided + 1;
                if (!await BackOffAfterSystemErrorAsync(reports, RoundPaths.StartFLJob, attempted, start.Reason, null, run, cancellationToken).ConfigureAwait(false))
                {
                    return Stopped(FederatedJobStopReason.DeadlineReached, joined, reports);
                }

                continue;
            }

            run.ServerAnswered();
            switch (start.Retcode)
            {
                case Retcode.Succeed:
                    break;
                case Retcode.NotReady:
                    if (!await WaitForServerAsync(start.NextReqTimeMs, start.ServerTimeMs, _options.PollInterval, run, cancellationToken).ConfigureAwait(false))
                    {
                        return Stopped(FederatedJobStopReason.DeadlineReached, joined, reports);
                    }

                    continue;
                case Retcode.OutOfTime:
                    if (!await RefusedAsync(reports, start.Iteration, IterationParticipation.NotSelected, start.Reason, null, start.NextReqTimeMs, start.ServerTimeMs, run, cancellationToken).ConfigureAwait(false))
                    {
                        return Stopped(FederatedJobStopReason.DeadlineReached, joined, reports);
                    }

                    continue;
                case Retcode.RequestError when await FindFinishedInstanceAsync(start.Iteration, run, cancellationToken).ConfigureAwait(false) is { } finished:
                    return await FinishAsync(FinishedReason(finished, planIterations), joined, reports, finished.LastIteration, run, cancellationToken).ConfigureAwait(false);
                default:
                    throw Refusal(RoundPaths.StartFLJob, start.Iteration, start.Retcode, start.Reason);
            }

            int iteration = start.Iteration;
            FLPlan plan = start.FlPlan ?? throw Malformed(RoundPaths.StartFLJob, iteration, "it accepted the client but sent no fl_plan");
            planIterations = plan.Iterations;
            if (RefusePlan(iteration, plan, start) is { } refusal)
            {
                throw refusal;
            }

            StrategyParameters strategy = DecodeStrategy(iteration, plan);
            ModelParameters global = DecodeModel(RoundPaths.StartFLJob, iteration, start.Tensors, start.DownloadCompressType);
            _trainer.SetParameters(global);
            var trainingPlan = new LocalTrainingPlan(iteration, plan.Epochs, plan.MiniBatch, plan.Lr, plan.Momentum, plan.WeightDecay)
            {
                Strategy = strategy,
                GlobalModel = global,
            };
            // Forced to yield: a training that finished before this await is reached would otherwise resume here on
            // the caller's thread, which on MAUI or Unity is the UI thread, and send the upload from it.
            (double? accuracy, LocalTrainingResult training) = await OnTrainingSchedulerAsync(
                () => (_options.EvaluateGlobalModel ? _trainer.Evaluate()?.Accuracy : null, _trainer.Train(trainingPlan)),
                cancellationToken).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
            IterationParticipation participation = IterationParticipation.TrainingDiverged;
            if (training.Succeeded)
            {
                var upload = new UploadContext(iteration, plan, strategy, global, _trainer.GetParameters());
                UpdateModelResponse? update = await ExchangeAsync(RoundPaths.UpdateModel, iteration, UpdateModelRequestFor(upload, training, accuracy), UpdateModelResponse.Parser, run, cancellationToken).ConfigureAwait(false);
                if (update is null)
                {
                    return Stopped(FederatedJobStopReason.DeadlineReached, joined, reports);
                }

                // The protocol's answer to a failed iteration step: back off, then start the iteration again.
                if (update.Retcode == Retcode.SystemError)
                {
                    if (!await BackOffAfterSystemErrorAsync(reports, RoundPaths.UpdateModel, iteration, update.Reason, training, run, cancellationToken).ConfigureAwait(false))
                    {
                        return Stopped(FederatedJobStopReason.DeadlineReached, joined, reports);
                    }

                    continue;
                }

                run.ServerAnswered();
                if (update.Retcode == Retcode.OutOfTime)
                {
                    if (!await RefusedAsync(reports, iteration, IterationParticipation.UpdateRejected, update.Reason, training, update.NextReqTimeMs, update.ServerTimeMs, run, cancellationToken).ConfigureAwait(false))
                    {
                        return Stopped(FederatedJobStopReason.DeadlineReached, joined, reports);
                    }

                    continue;
                }

                // The server refuses every update once its last iteration is decided (by timeout or aggregation),
                // which can happen while this client trains or uploads: that client is done, not wrong.
                if (update.Retcode == Retcode.RequestError && await FindFinishedInstanceAsync(iteration, run, cancellationToken).ConfigureAwait(false) is { } finished)
                {
                    Report(reports, new IterationReport(
                        _options.ClientId, iteration, IterationParticipation.UpdateRejected, OutcomeOf(finished.AskedAbout), update.Reason, training.MeanLoss, training.SampleCount, accuracy, null));
                    return await FinishAsync(FinishedReason(finished, planIterations), joined, reports, finished.LastIteration, run, cancellationToken).ConfigureAwait(false);
                }

                if (update.Retcode != Retcode.Succeed)
                {
                    throw Refusal(RoundPaths.UpdateModel, iteration, update.Retcode, update.Reason);
                }

                participation = IterationParticipation.Uploaded;
            }

            GetResultResponse? result = await PollResultAsync(iteration, run, cancellationToken).ConfigureAwait(false);
            if (result is null)
            {
                return Stopped(FederatedJobStopReason.DeadlineReached, joined, reports);
            }

            if (result.Retcode == Retcode.OutOfTime)
            {
                // The server restarted after this client joined: the iteration does not count its update.
                if (!await RefusedAsync(reports, iteration, IterationParticipation.UpdateRejected, result.Reason, training, result.NextReqTimeMs, result.ServerTimeMs, run, cancellationToken).ConfigureAwait(false))
                {
                    return Stopped(FederatedJobStopReason.DeadlineReached, joined, reports);
                }

                continue;
            }

            joined++;
            lastDecided = iteration;
            bool? valid = OutcomeOf(result);
            if (participation == IterationParticipation.Uploaded && valid == true)
            {
                _trainer.ContributionCounted(iteration);
            }

            string reason = training.Succeeded ? Explain(result) : $"{training.FailureReason} Server: {Explain(result)}";
            Report(reports, new IterationReport(_options.ClientId, iteration, participation, valid, reason, training.MeanLoss, training.SampleCount, accuracy, null));
        }
    }

    /// <summary>Downloads the newest global model into the trainer (getModel), waiting while the server is not ready.</summary>
    /// <param name="cancellationToken">Stops the download.</param>
    /// <returns>The iteration that produced the model (0 = the initial model).</returns>
    /// <exception cref="FederatedJobException">The server refused, or its model does not fit the trainer.</exception>
    public async Task<int> GetModelAsync(CancellationToken cancellationToken)
        => (await DownloadModelAsync(0, NewRun(null), cancellationToken).ConfigureAwait(false))!.Value;

    /// <summary>Evaluates the trainer's current model on its evaluation data, off the caller's thread.</summary>
    /// <param name="cancellationToken">Cancels before the evaluation starts.</param>
    /// <returns>Accuracy and loss, or null when the trainer has no evaluation data.</returns>
    public Task<LocalEvaluationResult?> EvaluateAsync(CancellationToken cancellationToken)
        => OnTrainingSchedulerAsync(_trainer.Evaluate, cancellationToken);

    /// <summary>Predicts the class of each sample with the trainer's current model, off the caller's thread.</summary>
    /// <param name="features">Samples of <see cref="ITrainer.SampleSize"/> values each, sample-major.</param>
    /// <param name="cancellationToken">Cancels before the prediction starts.</param>
    /// <returns>One predicted class per sample.</returns>
    public Task<int[]> InferAsync(ReadOnlyMemory<float> features, CancellationToken cancellationToken)
    {
        int sampleSize = _trainer.SampleSize;
        if (features.Length % sampleSize != 0)
        {
            throw new ArgumentException($"The features hold {features.Length} values, not a whole number of samples of {sampleSize} values; pass complete samples.", nameof(features));
        }

        return OnTrainingSchedulerAsync(
            () =>
            {
                int[] labels = new int[features.Length / sampleSize];
                _trainer.Predict(features.Span, labels);
                return labels;
            },
            cancellationToken);
    }

    // The trainer's synchronous, compute-bound calls run on the scheduler the options name, never inline on the
    // thread of the last await (which, before the first await, is the caller's, possibly a UI thread).
    private Task<T> OnTrainingSchedulerAsync<T>(Func<T> work, CancellationToken cancellationToken)
        => Task.Factory.StartNew(work, cancellationToken, TaskCreationOptions.DenyChildAttach, _options.TrainingScheduler);

    private async Task<FederatedJobResult> FinishAsync(
        FederatedJobStopReason reason, int joined, List<IterationReport> reports, int lastDecided, RunContext run, CancellationToken cancellationToken)
    {
        int? modelIteration = null;
        if (_options.DownloadFinalModel)
        {
            modelIteration = await DownloadModelAsync(lastDecided, run, cancellationToken).ConfigureAwait(false);
        }

        return new FederatedJobResult(reason, joined, reports, modelIteration);
    }

    private static FederatedJobResult Stopped(FederatedJobStopReason reason, int joined, List<IterationReport> reports)
        => new(reason, joined, reports, null);

    private async Task<bool> RefusedAsync(
        List<IterationReport> reports, int iteration, IterationParticipation participation, string reason, LocalTrainingResult? training,
        long nextRequestTimeMs, long serverTimeMs, RunContext run, CancellationToken cancellationToken)
    {
        TimeSpan delay = DelayUntil(nextRequestTimeMs, serverTimeMs, _options.RetryInterval);
        Report(reports, new IterationReport(
            _options.ClientId, iteration, participation, null, reason, training?.MeanLoss, training?.SampleCount ?? 0, null, _time.GetUtcNow() + delay));
        return await WaitAsync(delay, run, cancellationToken).ConfigureAwait(false);
    }

    private void Report(List<IterationReport> reports, IterationReport report)
    {
        reports.Add(report);
        _progress?.Report(report);
    }

    private static bool? OutcomeOf(GetResultResponse result) => result.Outcome switch
    {
        IterationOutcome.Valid => true,
        IterationOutcome.Failed => false,
        _ => null,
    };

    // A client that has seen the plan knows whether the instance ended with the plan's last iteration.
    private static FederatedJobStopReason FinishedReason(FinishedInstance finished, int? planIterations)
        => planIterations is { } total && finished.LastIteration >= total ? FederatedJobStopReason.PlanCompleted : FederatedJobStopReason.InstanceFinished;

    private static string Explain(GetResultResponse result)
        => string.IsNullOrEmpty(result.OutcomeReason) ? result.Reason : $"{result.Reason} {result.OutcomeReason}";

    private StartFLJobRequest StartFLJobRequestFor(int iteration) => new()
    {
        ProtocolVersion = ProtocolVersion.Current,
        FlName = _options.FlName,
        FlId = _options.ClientId,
        Iteration = iteration,
        DataSize = _trainer.DataSize,
        EvalDataSize = _trainer.EvaluationDataSize,
        TimestampMs = _time.GetUtcNow().ToUnixTimeMilliseconds(),
    };

    private UpdateModelRequest UpdateModelRequestFor(UploadContext upload, LocalTrainingResult training, double? accuracy)
    {
        int iteration = upload.Iteration;
        var request = new UpdateModelRequest
        {
            ProtocolVersion = ProtocolVersion.Current,
            FlName = _options.FlName,
            FlId = _options.ClientId,
            Iteration = iteration,
            TimestampMs = _time.GetUtcNow().ToUnixTimeMilliseconds(),
            UploadLoss = (float)training.MeanLoss,
            UploadCompressType = CompressType.NoCompress,
        };
        if (accuracy is double measured)
        {
            request.UploadAccuracy = (float)measured;
        }

        // The wire rule: plain trained weights; the server weighs them by the data size declared at startFLJob.
        foreach (IUpdateHook hook in _options.UpdateHooks)
        {
            hook.BeforeUpload(upload);
        }

        request.Tensors.Add(TensorCodec.Encode(upload.Update));
        request.Strategy = training.Reported.ToMessage();
        return request;
    }

    private ModelParameters DecodeModel(string round, int iteration, IReadOnlyList<TensorData> tensors, CompressType compression)
    {
        if (compression != CompressType.NoCompress)
        {
            throw Malformed(round, iteration, $"it sent the model as {compression}, which this client did not ask for (it decodes only plain tensors)");
        }

        // Decoding into a copy of the trainer's own parameters checks names and shapes against its model without
        // keeping a second copy of the weights per client between iterations.
        ModelParameters model = _trainer.GetParameters();
        TensorFault? fault = TensorCodec.DecodeInto(tensors, model);
        if (fault is not null)
        {
            throw new FederatedJobException(
                round,
                iteration,
                Retcode.Succeed,
                $"Client '{_options.ClientId}' received a global model in {round} of iteration {iteration} that does not fit its trainer: {fault.Message} Configure the client with the server's model architecture (fedsharp.model).");
        }

        return model;
    }
}
