using FedSharp.Client.Transport;
using FedSharp.Core.Models;
using FedSharp.Core.Protocol;
using FedSharp.Learning.Training;
using Google.Protobuf;

namespace FedSharp.Simulation;

/// <summary>
/// Watches the server through the protocol, as any device could: for round 1, 2, … it polls getResult until the
/// round is decided, downloads the global model with getModel, evaluates it on the test set and reports the round.
/// The clients' transports wait for <see cref="WaitCapturedAsync"/> before uploading for the next round, so no
/// round's model is ever replaced before it was captured.
/// </summary>
internal sealed class RoundObserver
{
    private readonly IFederationTransport _transport;
    private readonly string _flName;
    private readonly int _rounds;
    private readonly ModelParameters _layout;
    private readonly Func<ModelParameters, CancellationToken, Task<EvaluationResult>> _evaluate;
    private readonly TimeProvider _time;
    private readonly TimeSpan _pollInterval;
    private readonly IProgress<RoundReport>? _progress;
    private readonly UpdateOrdering? _ordering;
    private readonly TaskCompletionSource[] _captured;
    private readonly TaskCompletionSource[] _decided;
    private readonly int _updatesToDecide;
    private readonly int[] _participants;
    private readonly int[] _uploadsInFlight;

    /// <summary>Creates an observer of <paramref name="rounds"/> rounds.</summary>
    /// <param name="transport">The server connection; the observer's requests carry no client id.</param>
    /// <param name="flName">The job name.</param>
    /// <param name="rounds">How many rounds the server runs.</param>
    /// <param name="layout">The model's names and shapes, to decode the downloaded tensors.</param>
    /// <param name="evaluate">Evaluates a global model on the test set.</param>
    /// <param name="time">The clock of polls and round times.</param>
    /// <param name="pollInterval">Wait between getResult polls while a round runs.</param>
    /// <param name="updatesToDecide">The server's update threshold: the accepted upload that reaches it ends the round.</param>
    /// <param name="ordering">The clients' upload ordering, released for each round the server decides; null for none.</param>
    /// <param name="progress">Receives each round's report as soon as it is evaluated; null for none.</param>
    public RoundObserver(
        IFederationTransport transport,
        string flName,
        int rounds,
        ModelParameters layout,
        Func<ModelParameters, CancellationToken, Task<EvaluationResult>> evaluate,
        TimeProvider time,
        TimeSpan pollInterval,
        int updatesToDecide,
        UpdateOrdering? ordering,
        IProgress<RoundReport>? progress)
    {
        _transport = transport;
        _flName = flName;
        _rounds = rounds;
        _layout = layout;
        _evaluate = evaluate;
        _time = time;
        _pollInterval = pollInterval;
        _progress = progress;
        _ordering = ordering;
        _captured = new TaskCompletionSource[rounds + 1];
        for (int i = 0; i <= rounds; i++)
        {
            _captured[i] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        _captured[0].SetResult();
        _decided = new TaskCompletionSource[rounds + 1];
        for (int i = 0; i <= rounds; i++)
        {
            _decided[i] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        _updatesToDecide = updatesToDecide;
        _participants = new int[rounds + 1];
        _uploadsInFlight = new int[rounds + 1];
    }

    /// <summary>Completes once round <paramref name="round"/>'s global model has been downloaded (at once for round 0 and past the last).</summary>
    public Task WaitCapturedAsync(int round, CancellationToken cancellationToken) =>
        round <= 0 || round > _rounds ? Task.CompletedTask : _captured[round].Task.WaitAsync(cancellationToken);

    /// <summary>
    /// Waits until round <paramref name="round"/> is known to be decided (its last needed update was accepted, or the
    /// observer saw its result) or the poll interval has passed, whichever is first. A round that ends by
    /// a timeout gives no signal; the bounded wait then turns into an ordinary poll.
    /// </summary>
    public async Task WaitDecidedAsync(int round, CancellationToken cancellationToken)
    {
        if (round < 1 || round > _rounds)
        {
            await Task.Delay(_pollInterval, _time, cancellationToken);
            return;
        }

        Task decided = _decided[round].Task;
        if (!decided.IsCompleted)
        {
            using var poll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task elapsed = Task.Delay(_pollInterval, _time, poll.Token);
            if (await Task.WhenAny(decided, elapsed) == decided)
            {
                await poll.CancelAsync();
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Notes that an upload for <paramref name="round"/> is on its way to the server.</summary>
    public void UploadStarted(int round)
    {
        if (round >= 1 && round <= _rounds)
        {
            Interlocked.Increment(ref _uploadsInFlight[round]);
        }
    }

    /// <summary>Notes the server's answer to an upload for <paramref name="round"/>: accepted or not.</summary>
    public void UploadEnded(int round, bool accepted)
    {
        if (round >= 1 && round <= _rounds)
        {
            // The upload that reaches the server's update threshold is answered once the server has aggregated:
            // the round is decided, and whoever waits for its result can ask now instead of at its next poll.
            if (accepted && Interlocked.Increment(ref _participants[round]) == _updatesToDecide)
            {
                _decided[round].TrySetResult();
            }

            Interlocked.Decrement(ref _uploadsInFlight[round]);
        }
    }

    /// <summary>Observes every round in order and returns their reports.</summary>
    /// <param name="start">The timestamp (of <see cref="TimeProvider.GetTimestamp"/>) the simulation started at.</param>
    /// <param name="cancellationToken">Stops observing.</param>
    public async Task<IReadOnlyList<RoundReport>> RunAsync(long start, CancellationToken cancellationToken)
    {
        // Deciding and evaluating are two pipelines: a round's time is taken when the server decides it, while its
        // evaluation waits for a free slot behind the clients' training; evaluations still run and report in order.
        var evaluated = new Task<EvaluatedRound>[_rounds];
        Task<EvaluatedRound> previous = Task.FromResult(new EvaluatedRound(null, default, -1));
        double previousElapsed = 0;
        for (int round = 1; round <= _rounds; round++)
        {
            GetResultResponse result = await PollDecidedAsync(round, cancellationToken);
            double elapsed = _time.GetElapsedTime(start).TotalSeconds;
            bool valid = result.Outcome == IterationOutcome.Valid;
            if (_ordering is not null)
            {
                await _ordering.ReleaseAsync(round, cancellationToken);
            }

            if (valid)
            {
                await SettleUploadsAsync(round, cancellationToken);
            }

            (ModelParameters model, int modelIteration) = await DownloadAsync(round, cancellationToken);
            _captured[round].TrySetResult();
            var decided = new RoundReport(
                round,
                valid,
                0,
                0,
                valid ? Volatile.Read(ref _participants[round]) : 0,
                elapsed - previousElapsed,
                elapsed,
                valid ? string.Empty : result.OutcomeReason);
            previousElapsed = elapsed;
            previous = EvaluateAfterAsync(previous, decided, model, modelIteration, cancellationToken);
            evaluated[round - 1] = previous;
        }

        EvaluatedRound[] rounds = await Task.WhenAll(evaluated);
        return [.. rounds.Select(r => r.Report!)];
    }

    private async Task<EvaluatedRound> EvaluateAfterAsync(
        Task<EvaluatedRound> previous, RoundReport decided, ModelParameters model, int modelIteration, CancellationToken cancellationToken)
    {
        EvaluatedRound before = await previous;

        // A failed round keeps the previous model; its accuracy is the one already measured.
        EvaluationResult evaluation = modelIteration == before.ModelIteration
            ? before.Evaluation
            : await _evaluate(model, cancellationToken);
        RoundReport report = decided with { Accuracy = evaluation.Accuracy, Loss = evaluation.MeanLoss };
        _progress?.Report(report);
        return new EvaluatedRound(report, evaluation, modelIteration);
    }

    // The upload that ends a round is answered only after the server decided the round, so its acceptance may not be
    // counted yet when the observer learns the outcome; waiting for the answers in flight makes the count exact. In a
    // valid round every upload reaches the server (held ones were released before it could end) and is answered at
    // once, and answers are counted as they arrive (ObservedTransport), so the wait is short. A failed round reports
    // no participants and is not waited for.
    private async Task SettleUploadsAsync(int round, CancellationToken cancellationToken)
    {
        while (Volatile.Read(ref _uploadsInFlight[round]) > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(1), _time, cancellationToken);
        }
    }

    private async Task<GetResultResponse> PollDecidedAsync(int round, CancellationToken cancellationToken)
    {
        while (true)
        {
            var request = new GetResultRequest
            {
                ProtocolVersion = ProtocolVersion.Current,
                FlName = _flName,
                Iteration = round,
                TimestampMs = _time.GetUtcNow().ToUnixTimeMilliseconds(),
            };
            GetResultResponse reply = await ExchangeAsync(RoundPaths.GetResult, request, GetResultResponse.Parser, cancellationToken);
            switch (reply.Retcode)
            {
                case Retcode.Succeed:
                    _decided[round].TrySetResult();
                    return reply;
                case Retcode.NotReady:
                    await WaitDecidedAsync(round, cancellationToken);
                    break;
                default:
                    throw new InvalidOperationException(
                        $"The server answered the simulation's getResult for round {round} with {reply.Retcode}: {reply.Reason}. The server no longer runs this job's rounds in order; check that no other simulation or device uses job '{_flName}'.");
            }
        }
    }

    private async Task<(ModelParameters Model, int ModelIteration)> DownloadAsync(int round, CancellationToken cancellationToken)
    {
        var request = new GetModelRequest
        {
            ProtocolVersion = ProtocolVersion.Current,
            FlName = _flName,
            Iteration = round,
            TimestampMs = _time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        GetModelResponse reply = await ExchangeAsync(RoundPaths.GetModel, request, GetModelResponse.Parser, cancellationToken);
        if (reply.Retcode != Retcode.Succeed)
        {
            throw new InvalidOperationException($"The server answered the simulation's getModel after round {round} with {reply.Retcode}: {reply.Reason}.");
        }

        if (!TensorCodec.TryDecode(reply.Tensors, _layout, out ModelParameters? model, out TensorFault? fault))
        {
            throw new InvalidOperationException($"The global model after round {round} does not decode into the simulated architecture: {fault.Message}");
        }

        return (model, reply.ModelIteration);
    }

    private async Task<TReply> ExchangeAsync<TReply>(string round, IMessage request, MessageParser<TReply> parser, CancellationToken cancellationToken)
        where TReply : IMessage<TReply>
    {
        TransportResponse response = await _transport.SendAsync(round, request.ToByteArray(), cancellationToken);
        if (response.StatusCode != 200)
        {
            throw new InvalidOperationException($"The server answered the simulation's {round} with HTTP {response.StatusCode}; it is not serving this job's rounds (safe mode or a wrong URL).");
        }

        return parser.ParseFrom(response.Body.Span);
    }

    private sealed record EvaluatedRound(RoundReport? Report, EvaluationResult Evaluation, int ModelIteration);
}
