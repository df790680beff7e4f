using FedSharp.Core.Models;
using FedSharp.Server.Redis.Tests.Fixtures;
using FedSharp.Server.Stores;
using FedSharp.Testing;
using StackExchange.Redis;

namespace FedSharp.Server.Redis.Tests;

/// <summary>TLS to Debian's redis-server (built with TLS support), with a CA and certificates made in the test.</summary>
public sealed class RedisConnectorTlsTests(TlsRedisServerFixture server) : IClassFixture<TlsRedisServerFixture>
{
    [Fact]
    public async Task ConnectAsync_TrustedCaAndClientCertificate_StoresWork()
    {
        RedisStoreOptions options = Options(server.Certificates.CaCertificatePath, withClientCertificate: true);

        await using IConnectionMultiplexer connection = await RedisConnector.ConnectAsync(options, CancellationToken.None);
        var store = new RedisModelStore(connection, options, new ManualTimeProvider());
        await store.TryPublishAsync(new PublishedModel(1, new ModelParameters([new ParameterTensor("w", [2], [1f, 2f])])), CancellationToken.None);

        Assert.Equal(1, (await store.GetCurrentAsync(CancellationToken.None))!.Iteration);
    }

    [Fact]
    public async Task ConnectAsync_NoCaGiven_ThrowsCertificateNotAccepted()
    {
        RedisStoreOptions options = Options(caPath: null, withClientCertificate: true);

        var ex = await Assert.ThrowsAsync<RedisStoreException>(() => RedisConnector.ConnectAsync(options, CancellationToken.None));

        Assert.StartsWith($"Redis at {server.Endpoint} presented a TLS certificate that was not accepted", ex.Message, StringComparison.Ordinal);
        Assert.Contains("set TlsCaCertificatePath", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_UnrelatedCa_ThrowsCertificateNotAccepted()
    {
        RedisStoreOptions options = Options(server.Certificates.OtherCaCertificatePath, withClientCertificate: true);

        var ex = await Assert.ThrowsAsync<RedisStoreException>(() => RedisConnector.ConnectAsync(options, CancellationToken.None));

        Assert.StartsWith($"Redis at {server.Endpoint} presented a TLS certificate that was not accepted (it does not chain to the CA 'CN=Unrelated test CA'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_NoClientCertificate_ThrowsNamingClientCertificateOptions()
    {
        RedisStoreOptions options = Options(server.Certificates.CaCertificatePath, withClientCertificate: false);

        var ex = await Assert.ThrowsAsync<RedisStoreException>(() => RedisConnector.ConnectAsync(options, CancellationToken.None));

        Assert.StartsWith($"Redis at {server.Endpoint} refused the TLS connection because it requires a client certificate", ex.Message, StringComparison.Ordinal);
        Assert.Contains("set TlsClientCertificatePath and TlsClientKeyPath", ex.Message, StringComparison.Ordinal);
    }

    private RedisStoreOptions Options(string? caPath, bool withClientCertificate) => new()
    {
        Endpoints = [server.Endpoint],
        UseTls = true,
        TlsCaCertificatePath = caPath,
        TlsClientCertificatePath = withClientCertificate ? server.Certificates.ClientCertificatePath : null,
        TlsClientKeyPath = withClientCertificate ? server.Certificates.ClientKeyPath : null,
        KeyPrefix = $"fedsharp:{{test-{Guid.NewGuid():N}}}",
        ConnectTimeout = TimeSpan.FromSeconds(3),
    };
}
