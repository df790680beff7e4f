using FedSharp.Client.Transport;
using FedSharp.Core.Protocol;

namespace FedSharp.Simulation;

/// <summary>
/// One virtual client's view of the shared transport. It lets the <see cref="RoundObserver"/> capture each round's
/// global model before the next round can replace it, counts the client's accepted updates, and in a reproducible
/// simulation routes uploads through <see cref="UpdateOrdering"/>. Requests and replies pass unchanged, except that a
/// getResult answered NOT_READY is asked again as soon as the round is decided (a long poll).
/// </summary>
internal sealed class ObservedTransport : IFederationTransport
{
    private readonly IFederationTransport _inner;
    private readonly string _clientId;
    private readonly RoundObserver _observer;
    private readonly UpdateOrdering? _ordering;
    private int _lastUploadIteration;

    /// <summary>Wraps <paramref name="inner"/> for client <paramref name="clientId"/>.</summary>
    public ObservedTransport(IFederationTransport inner, string clientId, RoundObserver observer, UpdateOrdering? ordering)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ArgumentNullException.ThrowIfNull(observer);
        _inner = inner;
        _clientId = clientId;
        _observer = observer;
        _ordering = ordering;
    }

    /// <inheritdoc />
    public async Task<TransportResponse> SendAsync(string round, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (round == RoundPaths.GetResult)
        {
            int iteration = GetResultRequest.Parser.ParseFrom(body.Span).Iteration;
            if (_ordering is not null && iteration != _lastUploadIteration)
            {
                await _ordering.NoteResultPollAsync(_clientId, iteration, cancellationToken);
            }

            // A long poll, as the simulation can offer it: a round still running answers once the round is decided
            // (or after one poll interval), so a client does not sit out a whole interval after the last upload.
            TransportResponse response = await _inner.SendAsync(round, body, cancellationToken);
            if (IsNotReady(response))
            {
                await _observer.WaitDecidedAsync(iteration, cancellationToken);
                response = await _inner.SendAsync(round, body, cancellationToken);
            }

            return response;
        }

        if (round != RoundPaths.UpdateModel)
        {
            return await _inner.SendAsync(round, body, cancellationToken);
        }

        int uploadIteration = UpdateModelRequest.Parser.ParseFrom(body.Span).Iteration;

        // The previous round's model must be captured for evaluation before this round can end and replace it.
        await _observer.WaitCapturedAsync(uploadIteration - 1, cancellationToken);
        _lastUploadIteration = uploadIteration;
        _observer.UploadStarted(uploadIteration);
        bool accepted = false;
        try
        {
            // The answer is counted on whichever thread receives it, never queued behind training on the simulation's
            // threads: the observer counts a round's participants once the round is decided, and waits only for
            // answers still in flight.
            TransportResponse response = _ordering is null
                ? await _inner.SendAsync(round, body, cancellationToken).ConfigureAwait(false)
                : await _ordering.SendUpdateAsync(_clientId, uploadIteration, body, cancellationToken).ConfigureAwait(false);
            accepted = response.StatusCode == 200 && UpdateModelResponse.Parser.ParseFrom(response.Body.Span).Retcode == Retcode.Succeed;
            return response;
        }
        finally
        {
            _observer.UploadEnded(uploadIteration, accepted);
        }
    }

    private static bool IsNotReady(TransportResponse response)
        => response.StatusCode == 200 && GetResultResponse.Parser.ParseFrom(response.Body.Span).Retcode == Retcode.NotReady;
}
