using System.Text;
using FedSharp.Client.Transport;
using FedSharp.Testing;

namespace FedSharp.Client.Tests.Transport;

public sealed class HttpFederationTransportTests
{
    private static readonly byte[] s_request = [1, 2, 3, 250];
    private static readonly byte[] s_reply = [8, 200, 1];

    [Fact]
    public async Task SendAsync_FirstUrlRefusesConnections_FailsOverToTheSecond()
    {
        using var server = new LoopbackHttpServer(_ => (200, s_reply, null));
        var closed = new Uri($"http://127.0.0.1:{LoopbackHttpServer.FreePort()}");
        using var transport = new HttpFederationTransport(new HttpFederationTransportOptions { ServerUrls = [closed, server.Url], UrlPrefix = "fl" });

        TransportResponse response = await transport.SendAsync("startFLJob", s_request, CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(s_reply, response.Body.ToArray());
        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal(("POST", "/fl/startFLJob", "application/x-protobuf"), (request.Method, request.Path, request.ContentType));
        Assert.Equal(s_request, request.Body);
    }

    [Fact]
    public async Task SendAsync_AfterFailOver_KeepsUsingTheServerThatAnswered()
    {
        int firstCalls = 0;
        using var first = new LoopbackHttpServer(_ =>
        {
            Interlocked.Increment(ref firstCalls);
            return (500, Encoding.UTF8.GetBytes("store down"), null);
        });
        using var second = new LoopbackHttpServer(_ => (200, s_reply, null));
        using var transport = new HttpFederationTransport(new HttpFederationTransportOptions { ServerUrls = [first.Url, second.Url] });

        await transport.SendAsync("getResult", s_request, CancellationToken.None);
        await transport.SendAsync("getResult", s_request, CancellationToken.None);

        Assert.Equal(1, firstCalls);
        Assert.Equal(2, second.Requests.Count);
    }

    [Fact]
    public async Task SendAsync_ClientError_ThrowsNamingUrlStatusAndReason()
    {
        using var server = new LoopbackHttpServer(_ => (400, Encoding.UTF8.GetBytes("The body is not a valid StartFLJobRequest."), null));
        using var transport = new HttpFederationTransport(new HttpFederationTransportOptions { ServerUrls = [server.Url] });

        var ex = await Assert.ThrowsAsync<FederationTransportException>(() => transport.SendAsync("startFLJob", s_request, CancellationToken.None));

        Assert.Equal(400, ex.StatusCode);
        Assert.False(ex.IsTransient);
        Assert.Contains($"{server.Url}startFLJob", ex.Message);
        Assert.Contains("HTTP 400", ex.Message);
        Assert.Contains("The body is not a valid StartFLJobRequest.", ex.Message);
    }

    [Fact]
    public async Task SendAsync_EveryServerInSafeMode_Returns503WithRetryAfter()
    {
        using var first = new LoopbackHttpServer(_ => (503, Encoding.UTF8.GetBytes("safe mode"), "7"));
        using var second = new LoopbackHttpServer(_ => (503, Encoding.UTF8.GetBytes("safe mode"), "7"));
        using var transport = new HttpFederationTransport(new HttpFederationTransportOptions { ServerUrls = [first.Url, second.Url] });

        TransportResponse response = await transport.SendAsync("updateModel", s_request, CancellationToken.None);

        Assert.Equal(503, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), response.RetryAfter);
        Assert.Single(first.Requests);
        Assert.Single(second.Requests);
    }

    [Fact]
    public async Task SendAsync_NoServerReachable_ThrowsTransientNamingEveryUrl()
    {
        var a = new Uri($"http://127.0.0.1:{LoopbackHttpServer.FreePort()}");
        var b = new Uri($"http://127.0.0.1:{LoopbackHttpServer.FreePort()}");
        using var transport = new HttpFederationTransport(new HttpFederationTransportOptions { ServerUrls = [a, b] });

        var ex = await Assert.ThrowsAsync<FederationTransportException>(() => transport.SendAsync("getModel", s_request, CancellationToken.None));

        Assert.True(ex.IsTransient);
        Assert.Contains($"{a}getModel", ex.Message);
        Assert.Contains($"{b}getModel", ex.Message);
    }

    [Fact]
    public async Task SendAsync_ServerTooSlow_TimesOutAndTriesTheNext()
    {
        // The request timeout runs on the manual clock, stepped once the slow server holds the request, so the test
        // does not depend on how fast a loaded machine answers (a real 300 ms timeout made it flaky).
        var time = new ManualTimeProvider();
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new ManualResetEventSlim();
        using var slow = new LoopbackHttpServer(_ =>
        {
            arrived.TrySetResult();
            release.Wait(TimeSpan.FromSeconds(30));
            return (200, [], null);
        });
        using var fast = new LoopbackHttpServer(_ => (200, s_reply, null));
        using var transport = new HttpFederationTransport(
            new HttpFederationTransportOptions { ServerUrls = [slow.Url, fast.Url], RequestTimeout = TimeSpan.FromMilliseconds(300) },
            httpClient: null,
            time);

        Task<TransportResponse> sending = transport.SendAsync("startFLJob", s_request, CancellationToken.None);
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromMilliseconds(300));
        TransportResponse response = await sending.WaitAsync(TimeSpan.FromSeconds(30));
        release.Set();

        Assert.Equal(s_reply, response.Body.ToArray());
        Assert.Single(fast.Requests);
    }

    [Fact]
    public async Task SendAsync_InjectedHandler_SeesTheRequestAndHttpVersion()
    {
        var handler = new RecordingHandler();
        using var transport = new HttpFederationTransport(
            new HttpFederationTransportOptions { ServerUrls = [new Uri("http://server.example:6666/api/")], HttpVersion = System.Net.HttpVersion.Version20 },
            handler);

        await transport.SendAsync("getModel", s_request, CancellationToken.None);

        HttpRequestMessage request = Assert.Single(handler.Requests);
        Assert.Equal(new Uri("http://server.example:6666/api/getModel"), request.RequestUri);
        Assert.Equal(System.Net.HttpVersion.Version20, request.Version);
        Assert.Equal(HttpVersionPolicy.RequestVersionExact, request.VersionPolicy);
    }

    [Fact]
    public void Constructor_NoServerUrl_ThrowsNamingTheOption()
    {
        var ex = Assert.Throws<ArgumentException>(() => new HttpFederationTransport(new HttpFederationTransportOptions()));

        Assert.Contains("ServerUrls", ex.Message);
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new ByteArrayContent(s_reply) });
        }
    }
}
