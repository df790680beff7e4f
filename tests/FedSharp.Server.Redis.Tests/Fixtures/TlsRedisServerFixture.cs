namespace FedSharp.Server.Redis.Tests.Fixtures;

/// <summary>A redis-server that speaks only TLS, with a CA made in the test, and asks clients for a certificate (<c>tls-auth-clients yes</c>).</summary>
public sealed class TlsRedisServerFixture : IAsyncLifetime
{
    private RedisServerProcess? _server;

    public TestCertificates Certificates { get; } = new();

    public string Endpoint => _server?.Endpoint ?? throw new InvalidOperationException("redis-server has not started.");

    public async Task InitializeAsync() => _server = await RedisServerProcess.StartAsync(tls: Certificates);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Certificates.Dispose();
    }
}
