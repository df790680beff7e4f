using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using FedSharp.Core.Protocol;

namespace FedSharp.Client.Transport;

/// <summary>
/// Sends round requests as HTTP POSTs to <c>{url}{prefix}/{round}</c> with <c>application/x-protobuf</c> bodies,
/// failing over between several server URLs: a connection failure, a timeout or a 5xx status moves on to the next
/// URL. A 4xx status is the client's fault and is raised at once with the server's reason.
/// </summary>
/// <remarks>
/// Every server of a cluster serves every request (docs/protocol.md §1), so fail-over may resend a request to
/// another server. When every server is in safe mode the 503 comes back to the caller with its Retry-After: the
/// transport never sleeps, the caller owns every wait.
/// </remarks>
public sealed class HttpFederationTransport : IFederationTransport, IDisposable
{
    private const int ReasonLengthLimit = 500;
    private static readonly MediaTypeHeaderValue s_protobuf = new(RoundPaths.ContentType);

    private readonly HttpClient _httpClient;
    private readonly bool _ownsHttpClient;
    private readonly Uri[] _serverUrls;
    private readonly string _prefix;
    private readonly TimeSpan _requestTimeout;
    private readonly Version _httpVersion;
    private readonly TimeProvider _time;
    private int _preferred;

    /// <summary>Creates the transport over its own <see cref="HttpClient"/> built on <paramref name="handler"/>.</summary>
    /// <param name="options">Server URLs, prefix, timeout and HTTP version; validated and copied.</param>
    /// <param name="handler">The message handler (TLS settings, a proxy, or a test double); disposed with the transport.</param>
    /// <param name="time">Clock for request timeouts and Retry-After dates; the system clock when null.</param>
    /// <exception cref="ArgumentException"><see cref="HttpFederationTransportOptions.CaCertificatePath"/> is set too: trust belongs to the handler then.</exception>
    public HttpFederationTransport(HttpFederationTransportOptions options, HttpMessageHandler handler, TimeProvider? time = null)
        : this(options, new HttpClient(CallerOwnsTls(options, handler ?? throw new ArgumentNullException(nameof(handler))), disposeHandler: true), ownsHttpClient: true, time)
    {
    }

    /// <summary>Creates the transport over <paramref name="httpClient"/>, or over a new default client when null.</summary>
    /// <param name="options">Server URLs, prefix, timeout and HTTP version; validated and copied.</param>
    /// <param name="httpClient">A client the caller owns and disposes; null to let the transport create and own one,
    /// trusting <see cref="HttpFederationTransportOptions.CaCertificatePath"/> when it is set.</param>
    /// <param name="time">Clock for request timeouts and Retry-After dates; the system clock when null.</param>
    /// <exception cref="ArgumentException">A client is given and <see cref="HttpFederationTransportOptions.CaCertificatePath"/> is set too.</exception>
    public HttpFederationTransport(HttpFederationTransportOptions options, HttpClient? httpClient = null, TimeProvider? time = null)
        : this(options, httpClient is null ? new HttpClient(CreateHandler(options)) : CallerOwnsTls(options, httpClient), ownsHttpClient: httpClient is null, time)
    {
    }

    private HttpFederationTransport(HttpFederationTransportOptions options, HttpClient httpClient, bool ownsHttpClient, TimeProvider? time)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _httpClient = httpClient;
        _ownsHttpClient = ownsHttpClient;
        // The per-request timeout below is the one that counts; HttpClient's own would cut fail-over short.
        if (ownsHttpClient)
        {
            _httpClient.Timeout = Timeout.InfiniteTimeSpan;
        }

        _serverUrls = [.. options.ServerUrls];
        _prefix = options.UrlPrefix;
        _requestTimeout = options.RequestTimeout;
        _httpVersion = options.HttpVersion;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The server URLs in fail-over order.</summary>
    public IReadOnlyList<Uri> ServerUrls => _serverUrls;

    /// <inheritdoc />
    public async Task<TransportResponse> SendAsync(string round, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(round);
        string path = RoundPaths.For(_prefix, round);
        int first = Volatile.Read(ref _preferred);
        var failures = new List<string>(_serverUrls.Length);
        Exception? lastFault = null;
        TransportResponse? lastServerError = null;
        int rejected = 0;
        for (int attempt = 0; attempt < _serverUrls.Length; attempt++)
        {
            int index = (first + attempt) % _serverUrls.Length;
            Uri url = RouteOf(_serverUrls[index], path);
            using var timeout = new CancellationTokenSource(_requestTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                using HttpRequestMessage request = CreateRequest(url, body);
                using HttpResponseMessage response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
                byte[] content = await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
                int status = (int)response.StatusCode;
                if (status is >= 200 and < 300)
                {
                    Volatile.Write(ref _preferred, index);
                    return new TransportResponse(status, content, null);
                }

                if (status is >= 400 and < 500)
                {
                    throw new FederationTransportException(
                        round,
                        status,
                        $"POST {url} was refused with HTTP {status} ({response.ReasonPhrase}): {ReasonOf(content)}. The request itself is wrong for this server; check the round name, the URL prefix and the client's protocol version.");
                }

                // 5xx: this server cannot serve now; another may. Safe mode (503) is cluster-wide, so when every
                // server says it the caller gets the 503 and its Retry-After.
                lastServerError = new TransportResponse(status, content, RetryAfterOf(response));
                failures.Add($"{url}: HTTP {status} {ReasonOf(content)}");
            }
            catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                lastFault = ex;
                failures.Add($"{url}: no reply within {_requestTimeout.TotalMilliseconds:0} ms");
            }
            catch (HttpRequestException ex) when (ex.InnerException is AuthenticationException tls)
            {
                lastFault = ex;
                rejected++;
                failures.Add($"{url}: the server's TLS certificate is not trusted ({tls.Message})");
            }
            catch (HttpRequestException ex)
            {
                lastFault = ex;
                failures.Add($"{url}: {ex.Message}");
            }
        }

        if (lastServerError is not null)
        {
            return lastServerError;
        }

        if (rejected > 0)
        {
            // Retrying cannot make a certificate trusted, so this is not transient: the device stops at once.
            throw new FederationTransportException(
                round,
                null,
                $"Round '{round}' reached no trusted server: {string.Join("; ", failures)}. Give the CA certificate that signed the server's certificate with --ca-cert (ssl.ca_cert_path), and check that the URL's host name is one the certificate names.",
                lastFault)
            {
                CertificateRejected = true,
            };
        }

        throw new FederationTransportException(
            round,
            null,
            $"Round '{round}' reached no server: {string.Join("; ", failures)}. Check that a FedSharp server listens at one of these URLs and that the network allows it.",
            lastFault);
    }

    // The system's roots, plus the configured CA: a chain error alone (an unknown root) is forgiven when the
    // certificate chains to that CA; a host-name mismatch or a missing certificate never is.
    private static SocketsHttpHandler CreateHandler(HttpFederationTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var handler = new SocketsHttpHandler();
        if (string.IsNullOrEmpty(options.CaCertificatePath))
        {
            return handler;
        }

        options.Validate();
        X509Certificate2Collection authorities = LoadAuthorities(options.CaCertificatePath);
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }

            if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using X509Certificate2 presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return chain.Build(presented);
        };
        return handler;
    }

    private static X509Certificate2Collection LoadAuthorities(string path)
    {
        var authorities = new X509Certificate2Collection();
        try
        {
            string text = File.ReadAllText(path);
            if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
            {
                authorities.ImportFromPem(text);
            }
            else
            {
                authorities.Add(X509CertificateLoader.LoadCertificateFromFile(path));
            }
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw new InvalidDataException($"The CA certificate file '{path}' (ssl.ca_cert_path or --ca-cert) holds no readable certificate: {ex.Message}. Give a PEM or DER certificate.", ex);
        }

        if (authorities.Count == 0)
        {
            throw new InvalidDataException($"The CA certificate file '{path}' (ssl.ca_cert_path or --ca-cert) holds no certificate. Give a PEM or DER certificate.");
        }

        return authorities;
    }

    private static T CallerOwnsTls<T>(HttpFederationTransportOptions options, T clientOrHandler)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrEmpty(options.CaCertificatePath))
        {
            throw new ArgumentException(
                $"HttpFederationTransportOptions.CaCertificatePath is '{options.CaCertificatePath}' but the caller supplies its own HTTP client or handler, whose TLS settings would ignore it; trust the CA in that handler, or let the transport create its client.",
                nameof(options));
        }

        return clientOrHandler;
    }

    /// <summary>Disposes the HTTP client when the transport created it.</summary>
    public void Dispose()
    {
        if (_ownsHttpClient)
        {
            _httpClient.Dispose();
        }
    }

    private HttpRequestMessage CreateRequest(Uri url, ReadOnlyMemory<byte> body)
    {
        var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = s_protobuf;
        return new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = content,
            Version = _httpVersion,
            // HTTP/2 over cleartext has no ALPN to negotiate with, so it needs prior knowledge (an exact version).
            VersionPolicy = _httpVersion == HttpVersion.Version20 && url.Scheme == Uri.UriSchemeHttp
                ? HttpVersionPolicy.RequestVersionExact
                : HttpVersionPolicy.RequestVersionOrLower,
        };
    }

    private static Uri RouteOf(Uri serverUrl, string path) => new(serverUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + path);

    private TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        RetryConditionHeaderValue? retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta;
        }

        if (retryAfter?.Date is { } date)
        {
            TimeSpan wait = date - _time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private static string ReasonOf(byte[] content)
    {
        if (content.Length == 0)
        {
            return "(no reason given)";
        }

        string text = Encoding.UTF8.GetString(content, 0, Math.Min(content.Length, ReasonLengthLimit)).Trim();
        return content.Length > ReasonLengthLimit ? text + "…" : text;
    }
}
