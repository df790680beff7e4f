using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FedSharp.Server.Redis.Tests.Fixtures;
using FedSharp.Server.Stores;
using FedSharp.Testing;
using FedSharp.Core.Models;
using StackExchange.Redis;

namespace FedSharp.Server.Redis.Tests;

[Collection(SharedRedisServer.Name)]
public sealed class RedisConnectorTests(RedisServerFixture server)
{
    private static readonly TimeSpan s_shortTimeout = TimeSpan.FromSeconds(1);

    // Generous: the bound is what matters (a connect that hangs for ever fails the test), not the exact figure.
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ConnectAsync_NothingListening_ThrowsNamingAddressWithinTimeout()
    {
        int port = FreePort.Next();
        var options = new RedisStoreOptions { Endpoints = [$"127.0.0.1:{port}"], ConnectTimeout = s_shortTimeout };
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<RedisStoreException>(() => RedisConnector.ConnectAsync(options, CancellationToken.None));

        Assert.True(clock.Elapsed < s_bound, $"took {clock.Elapsed}");
        Assert.StartsWith($"Redis at 127.0.0.1:{port} did not answer within 1 s", ex.Message, StringComparison.Ordinal);
        Assert.Contains("start redis-server there or set distributed_cache.address", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.NotNull(ex.InnerException);
    }

    [Fact]
    public async Task ConnectAsync_ServerAcceptsButNeverAnswers_ThrowsWithinTimeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        int port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var options = new RedisStoreOptions { Endpoints = [$"127.0.0.1:{port}"], ConnectTimeout = s_shortTimeout };
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<RedisStoreException>(() => RedisConnector.ConnectAsync(options, CancellationToken.None));

        Assert.True(clock.Elapsed < s_bound, $"took {clock.Elapsed}");
        Assert.StartsWith($"Redis at 127.0.0.1:{port} did not answer within 1 s", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_InvalidOptions_ThrowsNamingOption()
    {
        var options = new RedisStoreOptions { Endpoints = ["no-port-here"], KeyPrefix = "fedsharp:plain" };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => RedisConnector.ConnectAsync(options, CancellationToken.None));

        Assert.Contains("Endpoints holds 'no-port-here'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("KeyPrefix is 'fedsharp:plain'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Database_Chosen_ModelLandsInThatDatabaseOnly()
    {
        RedisStoreOptions options = server.NewOptions();
        options.Database = 5;
        await using IConnectionMultiplexer connection = await RedisConnector.ConnectAsync(options, CancellationToken.None);
        var store = new RedisModelStore(connection, options, new ManualTimeProvider());

        await store.TryPublishAsync(new PublishedModel(1, new ModelParameters([new ParameterTensor("w", [1], [1f])])), CancellationToken.None);
        RedisKey key = new RedisKeys(options.KeyPrefix).Model;

        Assert.True(await server.Connection.GetDatabase(5).KeyExistsAsync(key));
        Assert.False(await server.Connection.GetDatabase(0).KeyExistsAsync(key));
    }

    [Fact]
    public async Task Database_ServerDoesNotHaveIt_ThrowsNamingOption()
    {
        RedisStoreOptions options = server.NewOptions();
        options.Database = 99;

        var ex = await Assert.ThrowsAsync<RedisStoreException>(() => RedisConnector.ConnectAsync(options, CancellationToken.None));

        Assert.Contains("has no database 99: set Database", ex.Message, StringComparison.Ordinal);
    }
}
