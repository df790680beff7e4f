using StackExchange.Redis;

namespace FedSharp.Server.Redis.Tests.Fixtures;

/// <summary>
/// A Redis-compatible server the store tests share, with one connection opened through <see cref="RedisConnector"/>.
/// Each test takes <see cref="NewOptions"/>, whose fresh key prefix keeps its keys apart from every other test's.
/// </summary>
public abstract class StoreServerFixture : IAsyncLifetime
{
    private IConnectionMultiplexer? _connection;

    public IConnectionMultiplexer Connection => _connection ?? throw new InvalidOperationException("The fixture has not started.");

    public abstract string Endpoint { get; }

    /// <summary>Options for this server with a key prefix no other test uses.</summary>
    public RedisStoreOptions NewOptions() => new()
    {
        Endpoints = [Endpoint],
        KeyPrefix = $"fedsharp:{{test-{Guid.NewGuid():N}}}",
    };

    public async Task InitializeAsync()
    {
        await StartServerAsync();
        _connection = await RedisConnector.ConnectAsync(NewOptions(), CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        await StopServerAsync();
    }

    protected abstract Task StartServerAsync();

    protected abstract Task StopServerAsync();
}
