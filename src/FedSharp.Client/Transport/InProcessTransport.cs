namespace FedSharp.Client.Transport;

/// <summary>
/// A transport that calls a delegate instead of the network, so that a simulation drives the real server handler
/// (wire it to <c>DeviceProtocolHandler.HandleAsync</c>) through the same protobuf bytes a device would send. This
/// project does not reference the server; the host that holds both wires them together.
/// </summary>
public sealed class InProcessTransport : IFederationTransport
{
    private readonly Func<string, ReadOnlyMemory<byte>, CancellationToken, Task<TransportResponse>> _send;

    /// <summary>Wraps <paramref name="send"/>, which receives the round name, the request bytes and the cancellation token.</summary>
    /// <param name="send">The server side: answers one round request.</param>
    public InProcessTransport(Func<string, ReadOnlyMemory<byte>, CancellationToken, Task<TransportResponse>> send)
    {
        ArgumentNullException.ThrowIfNull(send);
        _send = send;
    }

    /// <inheritdoc />
    public async Task<TransportResponse> SendAsync(string round, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(round);
        cancellationToken.ThrowIfCancellationRequested();
        TransportResponse? response = await _send(round, body, cancellationToken).ConfigureAwait(false);
        return response ?? throw new InvalidOperationException($"The in-process server returned no response to round '{round}'; the delegate given to {nameof(InProcessTransport)} must return one for every request.");
    }
}
