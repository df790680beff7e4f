namespace FedSharp.Core.Configuration;

/// <summary>The <c>distributed_cache</c> section: the Redis that servers share when started with <c>--redis</c>.</summary>
public sealed class DistributedCacheSection
{
    /// <summary><c>distributed_cache.type</c>: the cache kind; only <c>redis</c>. Default <c>redis</c>.</summary>
    public string Type { get; set; } = "redis";

    /// <summary><c>distributed_cache.address</c>: Redis as <c>host:port</c> or a Unix socket path. Default empty (servers keep state in memory).</summary>
    public string Address { get; set; } = string.Empty;

    /// <summary><c>distributed_cache.plugin_lib_path</c>: accepted for MindSpore compatibility; unused there and here. Default empty.</summary>
    public string PluginLibPath { get; set; } = string.Empty;

    /// <summary><c>distributed_cache.cacert_filename</c>: CA certificate for TLS to Redis. Default empty.</summary>
    public string CacertFilename { get; set; } = string.Empty;

    /// <summary><c>distributed_cache.capath</c>: directory of CA certificates for TLS to Redis. Default empty.</summary>
    public string Capath { get; set; } = string.Empty;

    /// <summary><c>distributed_cache.cert_filename</c>: client certificate for TLS to Redis. Default empty.</summary>
    public string CertFilename { get; set; } = string.Empty;

    /// <summary><c>distributed_cache.private_key_filename</c>: client private key for TLS to Redis. Default empty.</summary>
    public string PrivateKeyFilename { get; set; } = string.Empty;

    /// <summary><c>distributed_cache.server_name</c>: expected TLS server name of Redis. Default empty.</summary>
    public string ServerName { get; set; } = string.Empty;
}
