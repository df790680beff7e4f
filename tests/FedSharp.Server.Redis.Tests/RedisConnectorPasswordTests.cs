using FedSharp.Server.Redis.Tests.Fixtures;
using FedSharp.Server.Stores;
using FedSharp.Testing;
using StackExchange.Redis;

namespace FedSharp.Server.Redis.Tests;

public sealed class RedisConnectorPasswordTests(PasswordRedisServerFixture server) : IClassFixture<PasswordRedisServerFixture>
{
    [Fact]
    public async Task ConnectAsync_RightPassword_StoresWork()
    {
        RedisStoreOptions options = Options(PasswordRedisServerFixture.Password);

        await using IConnectionMultiplexer connection = await RedisConnector.ConnectAsync(options, CancellationToken.None);
        var lease = new RedisLeaderLease(connection, options, new ManualTimeProvider());

        Assert.NotNull(await lease.TryAcquireAsync("server-a", TimeSpan.FromSeconds(1), CancellationToken.None));
    }

    [Fact]
    public async Task ConnectAsync_WrongPassword_ThrowsRefusedWithoutThePassword()
    {
        const string wrong = "not-the-password-42";
        RedisStoreOptions options = Options(wrong);

        var ex = await Assert.ThrowsAsync<RedisStoreException>(() => RedisConnector.ConnectAsync(options, CancellationToken.None));

        Assert.StartsWith($"Redis at {server.Endpoint} refused the password", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(PasswordRedisServerFixture.Password, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_NoPassword_ThrowsPasswordRequired()
    {
        RedisStoreOptions options = Options(password: null);

        var ex = await Assert.ThrowsAsync<RedisStoreException>(() => RedisConnector.ConnectAsync(options, CancellationToken.None));

        Assert.StartsWith($"Redis at {server.Endpoint} requires a password and none was given: set Password", ex.Message, StringComparison.Ordinal);
    }

    private RedisStoreOptions Options(string? password) => new()
    {
        Endpoints = [server.Endpoint],
        Password = password,
        KeyPrefix = $"fedsharp:{{test-{Guid.NewGuid():N}}}",
        ConnectTimeout = TimeSpan.FromSeconds(5),
    };
}
