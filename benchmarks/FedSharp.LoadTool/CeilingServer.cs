using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using FedSharp.Core.Protocol;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FedSharp.LoadTool;

/// <summary>
/// The ceiling of the server-load benchmark: bare Kestrel on an h2c endpoint, same limits as the FedSharp host, whose
/// only work per request is reading the whole body and answering 200 with an empty body.
/// </summary>
internal static class CeilingServer
{
    public static async Task<int> RunAsync(int port, TimeSpan lifetime)
    {
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.ClearProviders();
        builder.Services.AddRoutingCore();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 64L * 1024 * 1024;
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1);
        });
        WebApplication app = builder.Build();
        app.MapPost("/reply/{bytes:int}/{**round}", ReplyAsync);
        app.MapPost("/{**path}", DrainAsync);
        using var stop = new CancellationTokenSource(lifetime);
        await app.StartAsync(stop.Token);
        // SIGTERM (the benchmark script's cleanup) stops the host; end the wait with it.
        using CancellationTokenRegistration onStopping = app.Lifetime.ApplicationStopping.Register(stop.Cancel);
        // The h2c endpoint is listed first, then the HTTP/1.1 one.
        string[] urls = [.. app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses];
        Console.WriteLine($"{{\"event\":\"listening\",\"url\":\"{urls[0]}/\",\"http1_url\":\"{urls[1]}/\"}}");
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
            // The lifetime bound or a SIGTERM ended the run, as designed: the ceiling never outlives the benchmark.
        }

        await app.StopAsync(CancellationToken.None);
        return 0;
    }

    /// <summary>
    /// The startFLJob ceiling: drains the body, then answers with a preallocated body of the requested size, so the
    /// only work is Kestrel's framing and copying of a model-sized reply.
    /// </summary>
    private static async Task ReplyAsync(HttpContext context, int bytes)
    {
        await DrainBodyAsync(context);
        byte[] reply = ReplyBody(bytes);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/x-protobuf";
        context.Response.ContentLength = reply.Length;
        await context.Response.BodyWriter.WriteAsync(reply, context.RequestAborted);
    }

    private static byte[]? s_reply;

    private static byte[] ReplyBody(int bytes)
    {
        byte[]? reply = s_reply;
        if (reply is null || reply.Length != bytes)
        {
            // A reply that starts "retcode = SUCCEED" (field 1, a varint), so the load tool counts it as accepted.
            byte[] retcode = new StartFLJobResponse { Retcode = Retcode.Succeed }.ToByteArray();
            reply = new byte[Math.Clamp(bytes, retcode.Length, 64 * 1024 * 1024)];
            retcode.CopyTo(reply, 0);
            s_reply = reply;
        }

        return reply;
    }

    private static async Task DrainAsync(HttpContext context)
    {
        await DrainBodyAsync(context);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentLength = 0;
    }

    private static async Task DrainBodyAsync(HttpContext context)
    {
        PipeReader reader = context.Request.BodyReader;
        while (true)
        {
            ReadResult result = await reader.ReadAsync(context.RequestAborted);
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }
    }
}
