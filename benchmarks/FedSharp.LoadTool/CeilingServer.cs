using System.Buffers;
using System.IO.Pipelines;
using System.Net;
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
        });
        WebApplication app = builder.Build();
        app.MapPost("/{**path}", DrainAsync);
        using var stop = new CancellationTokenSource(lifetime);
        await app.StartAsync(stop.Token);
        string url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.WriteLine($"{{\"event\":\"listening\",\"url\":\"{url}/\"}}");
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
            // The lifetime bound ended the run, as designed: the ceiling never outlives the benchmark.
        }

        await app.StopAsync(CancellationToken.None);
        return 0;
    }

    private static async Task DrainAsync(HttpContext context)
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

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentLength = 0;
    }
}
