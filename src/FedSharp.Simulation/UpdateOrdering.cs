using FedSharp.Client.Transport;
using FedSharp.Core.Protocol;

namespace FedSharp.Simulation;

/// <summary>
/// Makes a simulation in which every client joins every round reproducible: each round's updates are held until
/// every client has either uploaded or, its training having diverged, asked for the result, then forwarded to the
/// server one after another in client-id order. The server's float32 running sum then adds them in the same order on
/// every run, whatever order the clients happened to finish training in and however many threads they train on.
/// </summary>
/// <remarks>
/// Holding an upload costs little in such a simulation: the round cannot end before the last client's update
/// arrives anyway, and adding a hundred updates of a small model to the sum takes milliseconds. With sampling (fewer
/// clients per round than clients) who joins depends on arrival order, so the simulation does not use this then.
/// A round the server ended without every client (a window closed) is released by <see cref="ReleaseAsync"/>: its held
/// uploads go to the server, which refuses them, and later uploads for it pass straight through.
/// </remarks>
internal sealed class UpdateOrdering
{
    private readonly IFederationTransport _inner;
    private readonly int _clientCount;
    private readonly Lock _gate = new();
    private readonly Dictionary<int, RoundArrivals> _rounds = [];
    private readonly HashSet<int> _released = [];

    /// <summary>Forwards through <paramref name="inner"/> once <paramref name="clientCount"/> clients have arrived in a round.</summary>
    public UpdateOrdering(IFederationTransport inner, int clientCount)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThan(clientCount, 1);
        _inner = inner;
        _clientCount = clientCount;
    }

    /// <summary>Holds <paramref name="clientId"/>'s upload for <paramref name="iteration"/> until the round is complete; returns the server's reply.</summary>
    public async Task<TransportResponse> SendUpdateAsync(string clientId, int iteration, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var reply = new TaskCompletionSource<TransportResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        List<KeyValuePair<string, HeldUpdate>>? release = null;
        bool passThrough;
        lock (_gate)
        {
            passThrough = _released.Contains(iteration);
            if (!passThrough)
            {
                RoundArrivals round = RoundOf(iteration);
                if (!round.Held.TryAdd(clientId, new HeldUpdate(body, reply)))
                {
                    throw new InvalidOperationException($"Client '{clientId}' uploaded twice for iteration {iteration} while its first upload was held; a FederatedJob sends one update per iteration.");
                }

                round.Arrived.Add(clientId);
                release = TakeIfComplete(iteration, round);
            }
        }

        if (passThrough)
        {
            // The round was released before this client arrived (the server ended it without this client): the
            // server decides what a late upload gets.
            return await _inner.SendAsync(RoundPaths.UpdateModel, body, cancellationToken);
        }

        if (release is not null)
        {
            await ForwardAsync(release, cancellationToken);
        }

        return await reply.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Forwards whatever is still held for <paramref name="iteration"/>, in client-id order, and lets later uploads for
    /// it through unheld: the server has decided the round, so waiting for the clients missing from it would hold the
    /// others for good. Nothing happens when the round was already released.
    /// </summary>
    public async Task ReleaseAsync(int iteration, CancellationToken cancellationToken)
    {
        List<KeyValuePair<string, HeldUpdate>>? release = null;
        lock (_gate)
        {
            if (_released.Add(iteration) && _rounds.Remove(iteration, out RoundArrivals? round))
            {
                release = [.. round.Held];
            }
        }

        if (release is not null)
        {
            await ForwardAsync(release, cancellationToken);
        }
    }

    /// <summary>Records that <paramref name="clientId"/> asks for <paramref name="iteration"/>'s result without having uploaded (its training diverged).</summary>
    public async Task NoteResultPollAsync(string clientId, int iteration, CancellationToken cancellationToken)
    {
        List<KeyValuePair<string, HeldUpdate>>? release = null;
        lock (_gate)
        {
            // Polls after the round's release (by the clients that uploaded) change nothing.
            if (!_released.Contains(iteration))
            {
                RoundArrivals round = RoundOf(iteration);
                if (round.Arrived.Add(clientId))
                {
                    release = TakeIfComplete(iteration, round);
                }
            }
        }

        if (release is not null)
        {
            await ForwardAsync(release, cancellationToken);
        }
    }

    private RoundArrivals RoundOf(int iteration)
    {
        if (!_rounds.TryGetValue(iteration, out RoundArrivals? round))
        {
            round = new RoundArrivals();
            _rounds.Add(iteration, round);
        }

        return round;
    }

    private List<KeyValuePair<string, HeldUpdate>>? TakeIfComplete(int iteration, RoundArrivals round)
    {
        if (round.Arrived.Count < _clientCount || round.Held.Count == 0)
        {
            return null;
        }

        List<KeyValuePair<string, HeldUpdate>> release = [.. round.Held];
        round.Held.Clear();
        _rounds.Remove(iteration);
        _released.Add(iteration);
        return release;
    }

    private async Task ForwardAsync(List<KeyValuePair<string, HeldUpdate>> release, CancellationToken cancellationToken)
    {
        foreach ((string _, HeldUpdate held) in release)
        {
            try
            {
                // Off the training threads' queue: the next upload goes in as soon as the server has added this one,
                // not after whatever work is queued there.
                held.Reply.TrySetResult(await _inner.SendAsync(RoundPaths.UpdateModel, held.Body, cancellationToken).ConfigureAwait(false));
            }
            catch (OperationCanceledException ex)
            {
                held.Reply.TrySetCanceled(ex.CancellationToken);
            }
            catch (Exception ex)
            {
                // The upload's own client receives the fault, as it would without the ordering.
                held.Reply.TrySetException(ex);
            }
        }
    }

    private sealed class RoundArrivals
    {
        public SortedDictionary<string, HeldUpdate> Held { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Arrived { get; } = new(StringComparer.Ordinal);
    }

    private sealed record HeldUpdate(ReadOnlyMemory<byte> Body, TaskCompletionSource<TransportResponse> Reply);
}
