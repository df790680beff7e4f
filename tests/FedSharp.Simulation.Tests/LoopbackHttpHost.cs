using System.Net;
using System.Net.Sockets;
using FedSharp.Server.Protocol;

namespace FedSharp.Simulation.Tests;

/// <summary>
/// Serves a <see cref="DeviceProtocolHandler"/> over real HTTP on a free loopback port with the BCL's HttpListener,
/// standing in for the Kestrel host the command line uses, which this project must not reference.
/// </summary>
internal sealed class LoopbackHttpHost : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly DeviceProtocolHandler _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LoopbackHttpHost(DeviceProtocolHandler handler)
    {
        _handler = handler;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Url = new Uri($"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/");
            probe.Stop();
        }

        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public Uri Url { get; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
            // The listener was stopped under a pending accept.
        }

        _listener.Close();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context = await _listener.GetContextAsync();
            _ = Task.Run(() => ServeAsync(context));
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        string round = context.Request.Url!.AbsolutePath.Trim('/');
        ProtocolResponse response = await _handler.HandleAsync(round, body.ToArray(), _stop.Token);
        context.Response.StatusCode = response.StatusCode;
        context.Response.ContentType = response.ContentType;
        if (response.RetryAfter is { } retryAfter)
        {
            context.Response.AddHeader("Retry-After", ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        await context.Response.OutputStream.WriteAsync(response.Body);
        context.Response.Close();
    }
}
