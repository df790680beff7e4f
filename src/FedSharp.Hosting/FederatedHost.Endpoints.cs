using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using FedSharp.Core.Protocol;
using FedSharp.Server;
using FedSharp.Server.Protocol;
using FedSharp.Server.Rounds;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace FedSharp.Hosting;

public sealed partial class FederatedHost
{
    private const string TextContentType = "text/plain; charset=utf-8";

    /// <summary>Maps the round route, <c>POST {prefix}/{round}</c>, onto <paramref name="endpoints"/>.</summary>
    internal static IEndpointConventionBuilder MapRounds(IEndpointRouteBuilder endpoints, FederatedServer server, string prefix, ILogger logger)
    {
        DeviceProtocolHandler handler = server.Handler;
        // Routes take every method and check it themselves: ASP.NET Core matches methods case-insensitively and
        // answers a wrong one with an empty 405, while HTTP methods are case-sensitive and the protocol promises a
        // text reason for every transport fault.
        return endpoints.Map(
            RoundPaths.For(prefix, "{round}"),
            context => IsMethod(context, HttpMethods.Post) ? ServeRoundAsync(context, handler, logger) : MethodNotAllowedAsync(context, logger, HttpMethods.Post));
    }

    private static void MapEndpoints(WebApplication app, FederatedServer server, string prefix, ILogger logger)
    {
        string pattern = RoundPaths.For(prefix, "{round}");
        MapRounds(app, server, prefix, logger);
        app.Map("/healthz", context => IsMethod(context, HttpMethods.Get)
            ? WriteTextAsync(context.Response, StatusCodes.Status200OK, "ok", context.RequestAborted)
            : MethodNotAllowedAsync(context, logger, HttpMethods.Get));
        app.Map("/state", context => IsMethod(context, HttpMethods.Get) ? ServeStateAsync(context, server) : MethodNotAllowedAsync(context, logger, HttpMethods.Get));
        app.Use((context, next) => context.GetEndpoint() is null ? NotFoundAsync(context, logger, pattern) : next(context));
    }

    // Exact, case-sensitive comparison (RFC 9110 §9.1): `post` is not POST.
    private static bool IsMethod(HttpContext context, string method) => string.Equals(context.Request.Method, method, StringComparison.Ordinal);

    private static Task MethodNotAllowedAsync(HttpContext context, ILogger logger, string allowed)
    {
        context.Response.Headers.Allow = allowed;
        return RefuseAsync(
            context,
            logger,
            StatusCodes.Status405MethodNotAllowed,
            $"{context.Request.Method} is not allowed on {context.Request.Path}; use {allowed} (methods are case-sensitive).");
    }

    private static Task NotFoundAsync(HttpContext context, ILogger logger, string roundPattern)
        => RefuseAsync(
            context,
            logger,
            StatusCodes.Status404NotFound,
            $"Nothing is served at {context.Request.Path}. Rounds are POST {roundPattern} with round one of {string.Join(", ", RoundPaths.All)}; GET /healthz and GET /state are the operational endpoints.");

    private static async Task ServeRoundAsync(HttpContext context, DeviceProtocolHandler handler, ILogger logger)
    {
        HttpRequest request = context.Request;
        CancellationToken aborted = context.RequestAborted;
        if (!IsProtobuf(request.ContentType))
        {
            string reason = $"Content-Type is '{request.ContentType}'; round bodies must be sent as {RoundPaths.ContentType}.";
            await RefuseAsync(context, logger, StatusCodes.Status415UnsupportedMediaType, reason);
            return;
        }

        long? limit = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        if (request.ContentLength is { } declared && limit is { } max && declared > max)
        {
            // The unread body makes Kestrel drop an HTTP/1.1 connection after the reply; saying so keeps the client
            // from sending its next request on a connection about to close.
            CloseAfterReply(context);
            await RefuseAsync(context, logger, StatusCodes.Status413PayloadTooLarge, TooLarge(declared, max));
            return;
        }

        RequestBody body;
        try
        {
            body = await RequestBody.ReadAsync(request.BodyReader, request.ContentLength, aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away mid-upload; nobody is left to answer.
            return;
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel found the body too large (no Content-Length, chunked or HTTP/2) or malformed while reading it.
            string reason = ex.StatusCode == StatusCodes.Status413PayloadTooLarge ? TooLarge(null, limit ?? 0) : ex.Message;
            CloseAfterReply(context);
            await RefuseAsync(context, logger, ex.StatusCode, reason);
            return;
        }

        ProtocolResponse response;
        using (body)
        {
            string round = (string?)context.Request.RouteValues["round"] ?? string.Empty;
            try
            {
                response = await handler.HandleAsync(round, body.Memory, aborted);
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
                return;
            }
        }

        HttpResponse http = context.Response;
        http.StatusCode = response.StatusCode;
        http.ContentType = response.ContentType;
        http.ContentLength = response.Content.Length;
        if (response.RetryAfter is { } retryAfter)
        {
            http.Headers.RetryAfter = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        if (response.StatusCode != StatusCodes.Status200OK && logger.IsEnabled(LogLevel.Debug))
        {
            HostLog.RequestRefused(logger, request.Method, request.Path, response.StatusCode, Encoding.UTF8.GetString(response.Body.Span));
        }

        // A reply carrying the model is in parts, the model's bytes shared by every reply of the iteration; they are
        // copied into Kestrel's pooled output buffers and flushed once, never joined into a new array.
        PipeWriter writer = http.BodyWriter;
        foreach (ReadOnlyMemory<byte> part in response.Content)
        {
            writer.Write(part.Span);
        }

        await writer.FlushAsync(aborted);
    }

    private static async Task ServeStateAsync(HttpContext context, FederatedServer server)
    {
        RoundState state = await server.Coordinator.GetStateAsync(context.RequestAborted);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            StateDocument.Write(writer, server.Configuration.FlName, state);
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.Length;
        await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
    }

    private static void CloseAfterReply(HttpContext context)
    {
        if (HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol))
        {
            context.Response.Headers.Connection = "close";
        }
    }

    private static bool IsProtobuf(string? contentType)
        => MediaTypeHeaderValue.TryParse(contentType, out MediaTypeHeaderValue? parsed)
            && parsed.MediaType.Equals(RoundPaths.ContentType, StringComparison.OrdinalIgnoreCase);

    private static string TooLarge(long? declared, long max)
        => declared is { } length
            ? $"The request body is {length} bytes; this server accepts at most {max} (fedsharp.max_request_body_bytes)."
            : $"The request body is larger than {max} bytes, the most this server accepts (fedsharp.max_request_body_bytes).";

    private static Task RefuseAsync(HttpContext context, ILogger logger, int status, string reason)
    {
        HostLog.RequestRefused(logger, context.Request.Method, context.Request.Path, status, reason);
        return WriteTextAsync(context.Response, status, reason, context.RequestAborted);
    }

    private static async Task WriteTextAsync(HttpResponse response, int status, string text, CancellationToken cancellationToken)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        response.StatusCode = status;
        response.ContentType = TextContentType;
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, cancellationToken);
    }
}
