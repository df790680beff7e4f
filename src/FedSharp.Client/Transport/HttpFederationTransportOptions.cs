namespace FedSharp.Client.Transport;

/// <summary>Where and how <see cref="HttpFederationTransport"/> sends round requests.</summary>
public sealed class HttpFederationTransportOptions
{
    /// <summary>
    /// Base URLs of the servers, e.g. <c>http://10.0.0.1:6666</c>, tried in order on fail-over; at least one, each
    /// absolute http or https. The transport keeps using the last one that answered. Default empty.
    /// </summary>
    public IReadOnlyList<Uri> ServerUrls { get; set; } = [];

    /// <summary>
    /// Path prefix of every round route (<c>client.http_url_prefix</c>): <c>fl</c> sends to
    /// <c>{url}/fl/startFLJob</c>. Default empty (<c>{url}/startFLJob</c>).
    /// </summary>
    public string UrlPrefix { get; set; } = string.Empty;

    /// <summary>
    /// How long one request to one server may take, from sending to the last byte of the reply, before the next
    /// URL is tried. Range 1 ms to 1 hour; default 30 s (MindSpore's device client's connect timeout).
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// HTTP version: 1.1 (default) or 2.0. With 2.0 an <c>http://</c> URL is spoken to with prior knowledge (h2c),
    /// an <c>https://</c> one negotiates through ALPN and may fall back to 1.1.
    /// </summary>
    public Version HttpVersion { get; set; } = System.Net.HttpVersion.Version11;

    /// <summary>
    /// A PEM (one or more certificates) or DER file of CA certificates that <c>https://</c> servers' certificates may
    /// chain to, besides the system's trusted roots (<c>ssl.ca_cert_path</c>, <c>--ca-cert</c>): for servers whose
    /// certificates a private CA signed. The host name is checked as usual. Empty or null (default): system roots only.
    /// </summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>Throws, naming the option, its value and the valid range, when a value is out of range.</summary>
    public void Validate()
    {
        if (ServerUrls is null || ServerUrls.Count == 0)
        {
            throw new ArgumentException("HttpFederationTransportOptions.ServerUrls is empty; give at least one server URL such as http://127.0.0.1:6666.", nameof(ServerUrls));
        }

        foreach (Uri url in ServerUrls)
        {
            if (url is null || !url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                throw new ArgumentException($"Server URL '{url}' is not an absolute http or https URL; write it as http://host:port.", nameof(ServerUrls));
            }
        }

        ArgumentNullException.ThrowIfNull(UrlPrefix, nameof(UrlPrefix));
        if (RequestTimeout < TimeSpan.FromMilliseconds(1) || RequestTimeout > TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(nameof(RequestTimeout), RequestTimeout, "HttpFederationTransportOptions.RequestTimeout must lie between 1 ms and 1 hour.");
        }

        if (!string.IsNullOrEmpty(CaCertificatePath) && !File.Exists(CaCertificatePath))
        {
            throw new FileNotFoundException($"The CA certificate file '{CaCertificatePath}' (ssl.ca_cert_path or --ca-cert) does not exist; give the PEM file of the CA that signed the server's certificate.", CaCertificatePath);
        }

        if (HttpVersion is null || (HttpVersion != System.Net.HttpVersion.Version11 && HttpVersion != System.Net.HttpVersion.Version20))
        {
            throw new ArgumentOutOfRangeException(nameof(HttpVersion), HttpVersion, "HttpFederationTransportOptions.HttpVersion must be 1.1 or 2.0.");
        }
    }
}
