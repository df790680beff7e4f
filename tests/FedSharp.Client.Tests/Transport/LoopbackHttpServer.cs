using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace FedSharp.Client.Tests.Transport;

/// <summary>A real HTTP server on a loopback port (<see cref="HttpListener"/>) that records requests and answers with a test's handler.</summary>
internal sealed class LoopbackHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<RecordedRequest, Task<(int Status, byte[] Body, string? RetryAfter)>> _respond;
    private readonly Task _loop;

    public LoopbackHttpServer(Func<RecordedRequest, (int Status, byte[] Body, string? RetryAfter)> respond)
        : this(request => Task.FromResult(respond(request)))
    {
    }

    public LoopbackHttpServer(Func<RecordedRequest, Task<(int Status, byte[] Body, string? RetryAfter)>> respond)
    {
        _respond = respond;
        Port = FreePort();
        Url = new Uri($"http://127.0.0.1:{Port}");
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public Uri Url { get; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>A loopback port nothing listens on, so connecting to it is refused.</summary>
    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            // Each request on its own task, so that concurrent clients are served concurrently.
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        try
        {
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var request = new RecordedRequest(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, context.Request.ContentType, body.ToArray());
            Requests.Enqueue(request);
            (int status, byte[] reply, string? retryAfter) = await _respond(request);
            context.Response.StatusCode = status;
            if (retryAfter is not null)
            {
                context.Response.Headers["Retry-After"] = retryAfter;
            }

            context.Response.ContentLength64 = reply.Length;
            await context.Response.OutputStream.WriteAsync(reply);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or IOException)
        {
            // The test has finished and stopped the listener, or the client gave up (a timeout test).
        }
    }
}

internal sealed record RecordedRequest(string Method, string Path, string? ContentType, byte[] Body);
