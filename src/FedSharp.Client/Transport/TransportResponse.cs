namespace FedSharp.Client.Transport;

/// <summary>What a server answered to one round request, before the protobuf reply is read.</summary>
/// <param name="StatusCode">
/// The HTTP status: 200 carries the round's protobuf reply; 503 means safe mode (wait <paramref name="RetryAfter"/>
/// and resend); other statuses carry a short text reason (see docs/protocol.md §1.1).
/// </param>
/// <param name="Body">The reply body: protobuf for 200, UTF-8 text otherwise.</param>
/// <param name="RetryAfter">How long to wait before resending, when the server said so (503 in safe mode); else null.</param>
public sealed record TransportResponse(int StatusCode, ReadOnlyMemory<byte> Body, TimeSpan? RetryAfter);
