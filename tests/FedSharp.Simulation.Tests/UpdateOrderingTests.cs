using FedSharp.Client.Transport;

namespace FedSharp.Simulation.Tests;

public sealed class UpdateOrderingTests
{
    [Fact]
    public async Task SendUpdateAsync_ClientsFinishOutOfOrder_ForwardsInClientIdOrderOnceAllArrived()
    {
        // Arrange
        var server = new RecordingTransport();
        var ordering = new UpdateOrdering(server, clientCount: 3);

        // Act
        Task<TransportResponse> c = ordering.SendUpdateAsync("client-c", 1, new byte[] { 3 }, CancellationToken.None);
        Task<TransportResponse> a = ordering.SendUpdateAsync("client-a", 1, new byte[] { 1 }, CancellationToken.None);
        bool heldBeforeLast = server.Received.Count == 0 && !a.IsCompleted && !c.IsCompleted;
        Task<TransportResponse> b = ordering.SendUpdateAsync("client-b", 1, new byte[] { 2 }, CancellationToken.None);
        TransportResponse[] replies = await Task.WhenAll(a, b, c);

        // Assert
        Assert.True(heldBeforeLast);
        Assert.Equal([1, 2, 3], server.Received);
        Assert.Equal([1, 2, 3], replies.Select(r => (int)r.Body.Span[0]));
    }

    [Fact]
    public async Task NoteResultPollAsync_ClientWithoutUpload_ReleasesTheOthers()
    {
        var server = new RecordingTransport();
        var ordering = new UpdateOrdering(server, clientCount: 2);
        Task<TransportResponse> a = ordering.SendUpdateAsync("client-a", 4, new byte[] { 1 }, CancellationToken.None);

        await ordering.NoteResultPollAsync("client-b", 4, CancellationToken.None);

        Assert.Equal(1, (await a).Body.Span[0]);
        Assert.Equal([1], server.Received);
    }

    [Fact]
    public async Task SendUpdateAsync_DifferentIterations_AreHeldSeparately()
    {
        var server = new RecordingTransport();
        var ordering = new UpdateOrdering(server, clientCount: 2);

        Task<TransportResponse> first = ordering.SendUpdateAsync("client-a", 1, new byte[] { 1 }, CancellationToken.None);
        Task<TransportResponse> second = ordering.SendUpdateAsync("client-b", 2, new byte[] { 2 }, CancellationToken.None);

        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);
        Assert.Empty(server.Received);
    }

    [Fact]
    public async Task ReleaseAsync_RoundEndedWithoutEveryClient_ForwardsHeldInClientOrderThenLetsLateUploadsThrough()
    {
        // Arrange: two of three clients uploaded when the server ended the round (a window closed).
        var server = new RecordingTransport();
        var ordering = new UpdateOrdering(server, clientCount: 3);
        Task<TransportResponse> c = ordering.SendUpdateAsync("client-c", 2, new byte[] { 3 }, CancellationToken.None);
        Task<TransportResponse> a = ordering.SendUpdateAsync("client-a", 2, new byte[] { 1 }, CancellationToken.None);

        // Act
        await ordering.ReleaseAsync(2, CancellationToken.None);
        TransportResponse late = await ordering.SendUpdateAsync("client-b", 2, new byte[] { 2 }, CancellationToken.None);

        // Assert
        Assert.Equal([1, 3, 2], server.Received);
        Assert.Equal(1, (await a).Body.Span[0]);
        Assert.Equal(3, (await c).Body.Span[0]);
        Assert.Equal(2, late.Body.Span[0]);
    }

    [Fact]
    public async Task ReleaseAsync_RoundAlreadyComplete_ForwardsNothingTwice()
    {
        var server = new RecordingTransport();
        var ordering = new UpdateOrdering(server, clientCount: 2);
        Task<TransportResponse> b = ordering.SendUpdateAsync("client-b", 1, new byte[] { 2 }, CancellationToken.None);
        Task<TransportResponse> a = ordering.SendUpdateAsync("client-a", 1, new byte[] { 1 }, CancellationToken.None);
        await Task.WhenAll(a, b);

        await ordering.ReleaseAsync(1, CancellationToken.None);

        Assert.Equal([1, 2], server.Received);
    }

    private sealed class RecordingTransport : IFederationTransport
    {
        public List<int> Received { get; } = [];

        public Task<TransportResponse> SendAsync(string round, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
        {
            lock (Received)
            {
                Received.Add(body.Span[0]);
            }

            // The reply echoes the request, so each client can check it got its own answer.
            return Task.FromResult(new TransportResponse(200, body.ToArray(), null));
        }
    }
}
