namespace FedSharp.Server.Redis.Tests.Fixtures;

/// <summary>A redis-server started with <c>--requirepass</c>.</summary>
public sealed class PasswordRedisServerFixture : IAsyncLifetime
{
    public const string Password = "correct horse battery staple";
    private RedisServerProcess? _server;

    public string Endpoint => _server?.Endpoint ?? throw new InvalidOperationException("redis-server has not started.");

    public async Task InitializeAsync() => _server = await RedisServerProcess.StartAsync(["--requirepass", Password]);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
