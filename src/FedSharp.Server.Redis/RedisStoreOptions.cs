using System.Globalization;

namespace FedSharp.Server.Redis;

/// <summary>
/// Where the shared Redis is, how to authenticate to it and under which key prefix this FedSharp instance keeps its
/// keys. Read once by <see cref="RedisConnector"/> and by the stores; check with <see cref="Validate"/> at start-up.
/// </summary>
public sealed class RedisStoreOptions
{
    /// <summary>
    /// The servers as <c>host:port</c> (MindSpore's <c>distributed_cache.address</c>); one is enough, several give the
    /// client replicas or cluster nodes to start from. At least one; default <c>127.0.0.1:6379</c>.
    /// </summary>
    public IReadOnlyList<string> Endpoints { get; set; } = ["127.0.0.1:6379"];

    /// <summary>The ACL user name (Redis 6+); null or empty for the <c>default</c> user. Default null.</summary>
    public string? User { get; set; }

    /// <summary>
    /// The password (<c>requirepass</c>, or the ACL user's); null or empty when the server asks for none. Never
    /// written to a message or a log. Default null.
    /// </summary>
    public string? Password { get; set; }

    /// <summary>The logical database (<c>SELECT</c>); 0 to 15 on a default redis-server, and always 0 on Redis Cluster. Default 0.</summary>
    public int Database { get; set; }

    /// <summary>Whether the connection is encrypted with TLS. Default false.</summary>
    public bool UseTls { get; set; }

    /// <summary>
    /// PEM file of the CA that signed the server's certificate; with it, the server's certificate must chain to this
    /// CA (and match the host name) instead of to the machine's trusted roots. Needs <see cref="UseTls"/>. Default null.
    /// </summary>
    public string? TlsCaCertificatePath { get; set; }

    /// <summary>
    /// PEM file of the client certificate shown to a server that asks for one (<c>tls-auth-clients</c>); needs
    /// <see cref="TlsClientKeyPath"/> and <see cref="UseTls"/>. Default null.
    /// </summary>
    public string? TlsClientCertificatePath { get; set; }

    /// <summary>PEM file of the private key of <see cref="TlsClientCertificatePath"/>. Default null.</summary>
    public string? TlsClientKeyPath { get; set; }

    /// <summary>
    /// Start of every key this instance writes, <c>fedsharp:{instance}</c> by default. It must contain exactly one
    /// non-empty hash tag (<c>{…}</c>): Redis Cluster then hashes only the tag, so every key of one instance lands in
    /// one slot and one Lua script may touch several of them (a lease and its token counter now; the round state and
    /// the partial sums later). Without the tag such a script fails on a cluster with CROSSSLOT. Different instances
    /// (different tags) still spread across the cluster. Default <c>fedsharp:{default}</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = "fedsharp:{default}";

    /// <summary>How long connecting (and authenticating) may take before it fails. Range 100 ms to 10 minutes; default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How much longer than a lease's own duration Redis keeps the lease key (PEXPIRE). Who holds the lease is decided
    /// by the servers' injected clock, never by this expiry; the margin only makes sure that the key of a holder that
    /// died goes away even if no server ever comes back to take the lease over. It must exceed the clock skew between
    /// servers. Range 0 to 1 hour; default 30 s.
    /// </summary>
    public TimeSpan LeaseKeyExpiryMargin { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Every broken rule, one message each naming the option, its value and the fix; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Endpoints is null || Endpoints.Count == 0)
        {
            problems.Add($"{nameof(Endpoints)} is empty; give at least one Redis address as host:port, for example 127.0.0.1:6379.");
        }

        foreach (string endpoint in Endpoints ?? [])
        {
            if (!TryParseEndpoint(endpoint, out _, out _))
            {
                problems.Add($"{nameof(Endpoints)} holds '{endpoint}', which is not host:port; write it as host:port with a port from 1 to 65535, for example 127.0.0.1:6379.");
            }
        }

        if (Database < 0)
        {
            problems.Add($"{nameof(Database)} is {Database}; it must be 0 or more (0 to 15 on a default redis-server).");
        }

        if (!UseTls && (TlsCaCertificatePath is { Length: > 0 } || TlsClientCertificatePath is { Length: > 0 } || TlsClientKeyPath is { Length: > 0 }))
        {
            problems.Add($"{nameof(TlsCaCertificatePath)}, {nameof(TlsClientCertificatePath)} or {nameof(TlsClientKeyPath)} is set but {nameof(UseTls)} is false; set {nameof(UseTls)} to true or leave the certificate paths empty.");
        }

        CheckFile(problems, nameof(TlsCaCertificatePath), TlsCaCertificatePath);
        CheckFile(problems, nameof(TlsClientCertificatePath), TlsClientCertificatePath);
        CheckFile(problems, nameof(TlsClientKeyPath), TlsClientKeyPath);
        if (string.IsNullOrEmpty(TlsClientCertificatePath) != string.IsNullOrEmpty(TlsClientKeyPath))
        {
            problems.Add($"Only one of {nameof(TlsClientCertificatePath)} and {nameof(TlsClientKeyPath)} is set; a client certificate needs both its PEM certificate and its PEM private key.");
        }

        if (!HasSingleHashTag(KeyPrefix))
        {
            problems.Add($"{nameof(KeyPrefix)} is '{KeyPrefix}'; it must contain exactly one non-empty hash tag such as 'fedsharp:{{my-job}}', so that all keys of one instance share a Redis Cluster slot.");
        }

        if (ConnectTimeout < TimeSpan.FromMilliseconds(100) || ConnectTimeout > TimeSpan.FromMinutes(10))
        {
            problems.Add($"{nameof(ConnectTimeout)} is {ConnectTimeout.TotalMilliseconds} ms; it must be between 100 ms and 600000 ms.");
        }

        if (LeaseKeyExpiryMargin < TimeSpan.Zero || LeaseKeyExpiryMargin > TimeSpan.FromHours(1))
        {
            problems.Add($"{nameof(LeaseKeyExpiryMargin)} is {LeaseKeyExpiryMargin.TotalMilliseconds} ms; it must be between 0 and 3600000 ms.");
        }

        return problems;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem <see cref="Validate"/> finds.</summary>
    public void ThrowIfInvalid()
    {
        IReadOnlyList<string> problems = Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Redis options are invalid; fix the configuration: " + string.Join(" ", problems));
        }
    }

    /// <summary>Splits <c>host:port</c> (IPv6 as <c>[::1]:6379</c>).</summary>
    internal static bool TryParseEndpoint(string endpoint, out string host, out int port)
    {
        host = string.Empty;
        port = 0;
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return false;
        }

        int colon = endpoint.LastIndexOf(':');
        if (colon <= 0 || colon == endpoint.Length - 1)
        {
            return false;
        }

        string hostPart = endpoint[..colon];
        if (hostPart.StartsWith('[') && hostPart.EndsWith(']'))
        {
            hostPart = hostPart[1..^1];
        }
        else if (hostPart.Contains(':', StringComparison.Ordinal))
        {
            return false;
        }

        if (hostPart.Length == 0 || hostPart.Any(char.IsWhiteSpace)
            || !int.TryParse(endpoint.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
        {
            return false;
        }

        host = hostPart;
        return true;
    }

    private static bool HasSingleHashTag(string? prefix)
    {
        if (string.IsNullOrWhiteSpace(prefix))
        {
            return false;
        }

        int open = prefix.IndexOf('{', StringComparison.Ordinal);
        int close = open < 0 ? -1 : prefix.IndexOf('}', open + 1);
        return open >= 0 && close > open + 1
            && prefix.IndexOf('{', open + 1) < 0 && prefix.IndexOf('}', close + 1) < 0;
    }

    private static void CheckFile(List<string> problems, string name, string? path)
    {
        if (!string.IsNullOrEmpty(path) && !File.Exists(path))
        {
            problems.Add($"{name} is '{path}', which does not exist; give the path of a readable PEM file.");
        }
    }
}
