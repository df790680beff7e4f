using FedSharp.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedSharp.Hosting;

/// <summary>Mounts the device protocol in an existing ASP.NET Core application, beside its own endpoints.</summary>
public static class FederatedEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>POST {urlPrefix}/{round}</c> (startFLJob, updateModel, getModel, getResult …) onto the application's
    /// routes, served by <paramref name="server"/> exactly as <see cref="FederatedHost"/> serves them: protobuf bodies
    /// checked for content type and size, text reasons for every transport fault. The application keeps its own
    /// middleware, authentication and other endpoints; request bodies are limited by its Kestrel's
    /// <c>MaxRequestBodySize</c>, which must allow a whole update.
    /// </summary>
    /// <param name="endpoints">The application's route builder (a <c>WebApplication</c>).</param>
    /// <param name="server">A started server; the caller disposes it after the application stops.</param>
    /// <param name="urlPrefix">Path prefix of the rounds (<c>client.http_url_prefix</c>); empty for none.</param>
    /// <returns>The round route's builder, to add authorization, rate limiting or metadata.</returns>
    public static IEndpointConventionBuilder MapFederatedRounds(this IEndpointRouteBuilder endpoints, FederatedServer server, string urlPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(urlPrefix);
        ILogger logger = endpoints.ServiceProvider.GetService<ILoggerFactory>()?.CreateLogger("FedSharp.Hosting") ?? NullLogger.Instance;
        return FederatedHost.MapRounds(endpoints, server, urlPrefix, logger);
    }
}
