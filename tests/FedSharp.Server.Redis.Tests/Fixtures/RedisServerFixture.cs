namespace FedSharp.Server.Redis.Tests.Fixtures;

/// <summary>One Debian redis-server for a test collection.</summary>
public sealed class RedisServerFixture : StoreServerFixture
{
    private RedisServerProcess? _server;

    public override string Endpoint => _server?.Endpoint ?? throw new InvalidOperationException("redis-server has not started.");

    protected override async Task StartServerAsync() => _server = await RedisServerProcess.StartAsync();

    protected override async Task StopServerAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
