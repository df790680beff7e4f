using System.Text;
using FedSharp.Client.Transport;
using FedSharp.Core.Protocol;
using Google.Protobuf;

namespace FedSharp.Client;

public sealed partial class FederatedJob
{
    private async Task<TResponse?> ExchangeAsync<TResponse>(
        string round, int iteration, IMessage request, MessageParser<TResponse> parser, RunContext run, CancellationToken cancellationToken)
        where TResponse : class, IMessage<TResponse>
    {
        byte[] body = request.ToByteArray();
        int unreachable = 0;
        TimeSpan backoff = _options.RetryInterval;
        while (true)
        {
            TransportResponse response;
            try
            {
                response = await _transport.SendAsync(round, body, cancellationToken).ConfigureAwait(false);
            }
            catch (FederationTransportException ex) when (ex.IsTransient && unreachable < _options.MaxTransportRetries)
            {
                unreachable++;
                if (!await WaitAsync(backoff, run, cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                backoff = backoff * 2 > _options.MaxSingleWait ? _options.MaxSingleWait : backoff * 2;
                continue;
            }
            catch (FederationTransportException ex)
            {
                string retries = ex.IsTransient ? $" after {unreachable} retries" : string.Empty;
                throw new FederatedJobException(round, iteration, null, $"Client '{_options.ClientId}' could not send {round} in iteration {iteration}{retries}: {ex.Message}", ex);
            }

            if (response.StatusCode == 200)
            {
                try
                {
                    TResponse reply = parser.ParseFrom(response.Body.Span);
                    return reply;
                }
                catch (InvalidProtocolBufferException ex)
                {
                    throw new FederatedJobException(round, iteration, null,
                        $"Client '{_options.ClientId}' received a {round} reply in iteration {iteration} that is not a valid {typeof(TResponse).Name} ({response.Body.Length} bytes); the server speaks another protocol or version.", ex);
                }
            }

            if (response.StatusCode == 503)
            {
                // Safe mode: the cluster is between iterations or its store is unreachable; the same request is valid later.
                if (!await WaitAsync(response.RetryAfter ?? _options.RetryInterval, run, cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                continue;
            }

            string text = response.Body.IsEmpty ? "(no reason given)" : Encoding.UTF8.GetString(response.Body.Span).Trim();
            throw new FederatedJobException(round, iteration, null,
                $"Client '{_options.ClientId}' sent {round} in iteration {iteration} and the server answered HTTP {response.StatusCode}: {text}");
        }
    }

    private async Task<GetResultResponse?> PollResultAsync(int iteration, RunContext run, CancellationToken cancellationToken)
    {
        while (true)
        {
            GetResultResponse? result = await ExchangeAsync(RoundPaths.GetResult, iteration, GetResultRequestFor(iteration), GetResultResponse.Parser, run, cancellationToken).ConfigureAwait(false);
            if (result is null)
            {
                return null;
            }

            // The client's part of the iteration is done (a new startFLJob would only be refused as a second join),
            // so after a server fault it asks for the result again.
            if (result.Retcode == Retcode.SystemError)
            {
                if (!await BackOffAfterSystemErrorAsync(null, RoundPaths.GetResult, iteration, result.Reason, null, run, cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                continue;
            }

            run.ServerAnswered();

            // OUT_OF_TIME: the server does not count this client in the iteration (it restarted since the client
            // joined); the caller starts over.
            if (result.Retcode is Retcode.Succeed or Retcode.OutOfTime)
            {
                return result;
            }

            if (result.Retcode != Retcode.NotReady)
            {
                throw Refusal(RoundPaths.GetResult, iteration, result.Retcode, result.Reason);
            }

            if (!await WaitForServerAsync(result.NextReqTimeMs, result.ServerTimeMs, _options.PollInterval, run, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
        }
    }

    private async Task<int?> DownloadModelAsync(int iteration, RunContext run, CancellationToken cancellationToken)
    {
        while (true)
        {
            var request = new GetModelRequest
            {
                ProtocolVersion = ProtocolVersion.Current,
                FlName = _options.FlName,
                Iteration = iteration,
                TimestampMs = _time.GetUtcNow().ToUnixTimeMilliseconds(),
            };
            GetModelResponse? reply = await ExchangeAsync(RoundPaths.GetModel, iteration, request, GetModelResponse.Parser, run, cancellationToken).ConfigureAwait(false);
            if (reply is null)
            {
                return null;
            }

            if (reply.Retcode == Retcode.SystemError)
            {
                if (!await BackOffAfterSystemErrorAsync(null, RoundPaths.GetModel, iteration, reply.Reason, null, run, cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                continue;
            }

            run.ServerAnswered();
            if (reply.Retcode == Retcode.Succeed)
            {
                _trainer.SetParameters(DecodeModel(RoundPaths.GetModel, reply.Iteration, reply.Tensors, reply.DownloadCompressType));
                return reply.ModelIteration;
            }

            if (reply.Retcode != Retcode.NotReady)
            {
                throw Refusal(RoundPaths.GetModel, iteration, reply.Retcode, reply.Reason);
            }

            if (!await WaitForServerAsync(reply.NextReqTimeMs, reply.ServerTimeMs, _options.PollInterval, run, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
        }
    }

    // startFLJob or updateModel answered REQUEST_ERROR. The instance has finished exactly when the server's current
    // iteration is decided: while an instance runs, its current iteration is always open (the next opens as one
    // ends). getResult names the server's current iteration, so a client that fell behind asks about that one too.
    private async Task<FinishedInstance?> FindFinishedInstanceAsync(int iteration, RunContext run, CancellationToken cancellationToken)
    {
        if (iteration < 1)
        {
            return null;
        }

        GetResultResponse? askedAbout = await ExchangeAsync(RoundPaths.GetResult, iteration, GetResultRequestFor(iteration), GetResultResponse.Parser, run, cancellationToken).ConfigureAwait(false);
        if (askedAbout is not { Retcode: Retcode.Succeed })
        {
            return null;
        }

        if (askedAbout.Iteration <= iteration)
        {
            return new FinishedInstance(iteration, askedAbout);
        }

        int current = askedAbout.Iteration;
        GetResultResponse? latest = await ExchangeAsync(RoundPaths.GetResult, current, GetResultRequestFor(current), GetResultResponse.Parser, run, cancellationToken).ConfigureAwait(false);
        return latest is { Retcode: Retcode.Succeed } ? new FinishedInstance(current, askedAbout) : null;
    }

    private GetResultRequest GetResultRequestFor(int iteration) => new()
    {
        ProtocolVersion = ProtocolVersion.Current,
        FlName = _options.FlName,
        Iteration = iteration,
        TimestampMs = _time.GetUtcNow().ToUnixTimeMilliseconds(),
        FlId = _options.ClientId,
    };

    private Task<bool> WaitForServerAsync(long nextRequestTimeMs, long serverTimeMs, TimeSpan fallback, RunContext run, CancellationToken cancellationToken)
        => WaitAsync(DelayUntil(nextRequestTimeMs, serverTimeMs, fallback), run, cancellationToken);

    // docs/protocol.md §4: measured from the server's own clock when it sent one (cancelling clock skew), else on
    // ours; a time already past or absent means a short fallback, never giving up; no single wait beyond the cap.
    private TimeSpan DelayUntil(long nextRequestTimeMs, long serverTimeMs, TimeSpan fallback)
    {
        if (nextRequestTimeMs <= 0)
        {
            return fallback;
        }

        // Compared in milliseconds before any conversion: the server's numbers are untrusted, and a value past year 9999
        // or beyond TimeSpan's range must mean "wait the longest allowed", not an exception.
        long nowMs = serverTimeMs > 0 ? serverTimeMs : _time.GetUtcNow().ToUnixTimeMilliseconds();
        long delayMs = nextRequestTimeMs - nowMs;
        if (delayMs <= 0)
        {
            return fallback;
        }

        return delayMs >= _options.MaxSingleWait.TotalMilliseconds ? _options.MaxSingleWait : TimeSpan.FromMilliseconds(delayMs);
    }

    // Waits to an absolute time, so that a clock moved while the timer was being armed never stretches the wait.
    private async Task<bool> WaitAsync(TimeSpan delay, RunContext run, CancellationToken cancellationToken)
    {
        // Every wait obeys MaxSingleWait, whatever asked for it (a server's Retry-After, a configured interval).
        if (delay > _options.MaxSingleWait)
        {
            delay = _options.MaxSingleWait;
        }

        DateTimeOffset until = _time.GetUtcNow() + delay;
        if (run.Until is { } deadline && until > deadline)
        {
            return false;
        }

        while (true)
        {
            TimeSpan remaining = until - _time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return true;
            }

            await Task.Delay(remaining, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private FederatedJobException Refusal(string round, int iteration, Retcode retcode, string reason)
        => new(round, iteration, retcode, $"Client '{_options.ClientId}' stopped: the server answered {round} in iteration {iteration} with {retcode}: {(string.IsNullOrEmpty(reason) ? "(no reason given)" : reason)}");

    private FederatedJobException Malformed(string round, int iteration, string problem)
        => new(round, iteration, null, $"Client '{_options.ClientId}' received a malformed {round} reply in iteration {iteration}: {problem}.");

    // LastIteration is the instance's last decided iteration; AskedAbout the getResult of the iteration the client was in.
    private sealed record FinishedInstance(int LastIteration, GetResultResponse AskedAbout);
}
