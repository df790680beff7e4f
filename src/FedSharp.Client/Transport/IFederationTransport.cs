namespace FedSharp.Client.Transport;

/// <summary>
/// Carries one round request of the device protocol to the servers and brings back the answer. The HTTP
/// implementation is the production path; the in-process one lets simulations and tests run the same client code
/// against a server in the same process.
/// </summary>
public interface IFederationTransport
{
    /// <summary>Sends <paramref name="body"/> to <paramref name="round"/> and returns the server's answer.</summary>
    /// <param name="round">A round name of <see cref="Core.Protocol.RoundPaths"/>, e.g. <c>startFLJob</c>.</param>
    /// <param name="body">The round's request message in protobuf binary encoding.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The status, body and Retry-After of the answer.</returns>
    /// <exception cref="FederationTransportException">No server could be reached, or a server refused the request
    /// with a client-error status (4xx).</exception>
    Task<TransportResponse> SendAsync(string round, ReadOnlyMemory<byte> body, CancellationToken cancellationToken);
}
