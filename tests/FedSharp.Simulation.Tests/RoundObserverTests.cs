using FedSharp.Client.Transport;
using FedSharp.Core.Models;
using FedSharp.Core.Protocol;
using FedSharp.Learning.Training;
using FedSharp.Testing;
using Google.Protobuf;

namespace FedSharp.Simulation.Tests;

public sealed class RoundObserverTests
{
    private static readonly ModelParameters s_model = new([new ParameterTensor("w", [2], [1f, 2f])]);

    [Fact]
    public async Task RunAsync_AcceptedUploadAnsweredLongAfterTheRoundWasDecided_CountsItAsAParticipant()
    {
        // Arrange: the server has decided round 1 (getResult says valid), but the answer to the upload that ended it
        // has not reached the client yet, as when its continuation waits behind a training on a busy thread.
        var time = new ManualTimeProvider();
        var observer = new RoundObserver(
            new InProcessTransport(DecidedServerAsync),
            "job",
            rounds: 1,
            s_model,
            (_, _) => Task.FromResult(new EvaluationResult(0.5, 1.0, 10)),
            time,
            TimeSpan.FromMilliseconds(10),
            updatesToDecide: 1,
            ordering: null,
            progress: null);
        observer.UploadStarted(1);
        Task<IReadOnlyList<RoundReport>> run = observer.RunAsync(time.GetTimestamp(), CancellationToken.None);

        // Act: a thousand of the observer's 1 ms waits pass (the old bound was a hundred), then the answer arrives.
        for (int i = 0; i < 1000 && !run.IsCompleted; i++)
        {
            await Task.WhenAny(run, time.WhenTimerArmedAsync());
            if (!run.IsCompleted)
            {
                time.AdvanceToNextTimer();
            }
        }

        bool reportedBeforeTheAnswer = run.IsCompleted;
        observer.UploadEnded(1, accepted: true);
        while (!run.IsCompleted)
        {
            await Task.WhenAny(run, time.WhenTimerArmedAsync());
            if (!run.IsCompleted)
            {
                time.AdvanceToNextTimer();
            }
        }

        // Assert
        Assert.False(reportedBeforeTheAnswer);
        RoundReport report = Assert.Single(await run);
        Assert.True(report.Valid);
        Assert.Equal(1, report.Participants);
    }

    private static Task<TransportResponse> DecidedServerAsync(string round, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        IMessage reply = round switch
        {
            RoundPaths.GetResult => new GetResultResponse { Retcode = Retcode.Succeed, Iteration = 2, Outcome = IterationOutcome.Valid },
            RoundPaths.GetModel => ModelReply(),
            _ => throw new InvalidOperationException($"The observer does not send {round}."),
        };
        return Task.FromResult(new TransportResponse(200, reply.ToByteArray(), null));
    }

    private static GetModelResponse ModelReply()
    {
        var reply = new GetModelResponse { Retcode = Retcode.Succeed, Iteration = 2, ModelIteration = 1 };
        reply.Tensors.AddRange(TensorCodec.Encode(s_model));
        return reply;
    }
}
