using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using FedSharp.Server;
using FedSharp.Server.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace FedSharp.Hosting;

/// <summary>
/// Kestrel serving one <see cref="FederatedServer"/>: <c>POST {prefix}/{round}</c> with protobuf bodies,
/// <c>GET /healthz</c> and <c>GET /state</c>. Minimal-API endpoints, no MVC, no DI container needed by callers.
/// </summary>
/// <remarks>
/// The host does not own the server: stop the host first (requests in flight finish), then dispose the server.
/// </remarks>
public sealed partial class FederatedHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly FederatedServer _server;
    private readonly ILogger _logger;
    private readonly EventHandler<ProtocolFaultEventArgs> _onFault;
    private int _stopped;

    private FederatedHost(WebApplication app, FederatedServer server, ILogger logger, IReadOnlyList<Uri> addresses, IReadOnlyList<Uri> h2cAddresses)
    {
        _app = app;
        _server = server;
        _logger = logger;
        Addresses = addresses;
        H2cAddresses = h2cAddresses;
        _onFault = (_, fault) => HostLog.RoundFaulted(_logger, fault.Round, fault.Exception);
        _server.Handler.Faulted += _onFault;
    }

    /// <summary>
    /// The bound addresses of <see cref="FederatedHostOptions.ListenAddresses"/>, with the ports actually chosen, e.g.
    /// <c>http://127.0.0.1:41234/</c> or <c>https://…</c> with TLS; in the order configured.
    /// </summary>
    public IReadOnlyList<Uri> Addresses { get; }

    /// <summary>The bound addresses of <see cref="FederatedHostOptions.H2cListenAddresses"/> (cleartext HTTP/2 only).</summary>
    public IReadOnlyList<Uri> H2cAddresses { get; }

    /// <summary>Validates the options, binds every endpoint and starts serving.</summary>
    /// <param name="server">The server whose handler answers the rounds.</param>
    /// <param name="options">Endpoints, TLS, limits, prefix and log level.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>The running host.</returns>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    /// <exception cref="IOException">An endpoint could not be bound (port in use, address not local).</exception>
    public static async Task<FederatedHost> StartAsync(FederatedServer server, FederatedHostOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Host options are invalid; fix them: " + string.Join(" ", problems), nameof(options));
        }

        X509Certificate2? certificate = options.LoadCertificate();
        var endpoints = new List<(ListenOptions Listen, bool Tls)>();
        var h2cEndpoints = new List<ListenOptions>();
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(FederatedHost).Assembly.GetName().Name });
        // Every log line goes to stderr: a command's stdout carries only its own output (JSON Lines with --json).
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true).SetMinimumLevel(options.MinimumLogLevel);
        builder.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        if (options.MinimumLogLevel > LogLevel.Debug)
        {
            // A failed start (an address in use) is thrown to the caller, who reports it; the generic host would also
            // log it with its stack trace, which belongs only in a debug log.
            builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        }
        builder.Services.AddRoutingCore();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            kestrel.Limits.MaxConcurrentConnections = options.MaxConcurrentConnections;
            foreach (string text in options.ListenAddresses)
            {
                ListenAddress address = Parse(text);
                kestrel.Listen(address.Address, address.Port, listen =>
                {
                    if (certificate is not null)
                    {
                        listen.Protocols = HttpProtocols.Http1AndHttp2;
                        listen.UseHttps(certificate);
                    }
                    else
                    {
                        listen.Protocols = HttpProtocols.Http1;
                    }

                    endpoints.Add((listen, certificate is not null));
                });
            }

            foreach (string text in options.H2cListenAddresses)
            {
                ListenAddress address = Parse(text);
                kestrel.Listen(address.Address, address.Port, listen =>
                {
                    listen.Protocols = HttpProtocols.Http2;
                    h2cEndpoints.Add(listen);
                });
            }
        });

        WebApplication app = builder.Build();
        ILogger logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("FedSharp.Hosting");
        MapEndpoints(app, server, options.UrlPrefix, logger);
        await app.StartAsync(cancellationToken);
        var host = new FederatedHost(
            app,
            server,
            logger,
            [.. endpoints.Select(e => BoundUri(e.Listen, e.Tls ? "https" : "http"))],
            [.. h2cEndpoints.Select(e => BoundUri(e, "http"))]);
        HostLog.Listening(logger, server.Configuration.FlName, string.Join(", ", host.Addresses.Concat(host.H2cAddresses)), options.UrlPrefix.Trim('/'));
        if (certificate is not null)
        {
            TimeSpan left = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero) - options.Time.GetUtcNow();
            if (left <= options.CertificateExpiryWarning)
            {
                HostLog.CertificateExpiresSoon(logger, certificate.Subject, certificate.NotAfter.ToUniversalTime(), (int)Math.Floor(left.TotalDays), (int)options.CertificateExpiryWarning.TotalDays);
            }
        }
        return host;
    }

    /// <summary>Stops accepting connections and waits (up to the shutdown timeout) for requests in flight.</summary>
    /// <param name="cancellationToken">Ends the wait early; remaining requests are aborted.</param>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        await _app.StopAsync(cancellationToken);
        _server.Handler.Faulted -= _onFault;
        HostLog.Stopped(_logger, _server.Configuration.FlName);
    }

    /// <summary>Stops the host if it is running and releases Kestrel.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private static ListenAddress Parse(string text)
        => ListenAddress.TryParse(text, out ListenAddress? address, out string? problem) ? address : throw new ArgumentException(problem, nameof(text));

    private static Uri BoundUri(ListenOptions listen, string scheme)
    {
        IPEndPoint endPoint = listen.IPEndPoint
            ?? throw new InvalidOperationException($"Kestrel endpoint {listen} has no IP end point after binding; only IP endpoints are configured, so this is a bug in {nameof(FederatedHost)}.");
        string host = endPoint.Address.Equals(IPAddress.Any) ? "127.0.0.1" : endPoint.Address.Equals(IPAddress.IPv6Any) ? "[::1]" : endPoint.Address.ToString();
        if (endPoint.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !host.StartsWith('['))
        {
            host = $"[{host}]";
        }

        return new Uri(string.Create(CultureInfo.InvariantCulture, $"{scheme}://{host}:{endPoint.Port}/"));
    }
}
