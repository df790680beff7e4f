using FedSharp.Server.Redis.Tests.Fixtures;
using FedSharp.Server.Stores;
using FedSharp.Testing;
using FedSharp.Testing.Stores;
using StackExchange.Redis;

namespace FedSharp.Server.Redis.Tests.Stores;

/// <summary>
/// The lease contract and the Redis-only rules against one server, on a manual clock (no test waits for an expiry);
/// a class per server (redis-server, Garnet) inherits it. Every lease gets a fresh key prefix.
/// </summary>
public abstract class RedisLeaderLeaseTestsBase(StoreServerFixture server) : LeaderLeaseContract
{
    private readonly RedisStoreOptions _options = server.NewOptions();
    private readonly ManualTimeProvider _time = new();

    protected StoreServerFixture Server { get; } = server;

    protected override Task<ILeaderLease> CreateLeaseAsync() => Task.FromResult<ILeaderLease>(CreateRedisLease(Server.Connection));

    protected override Task AdvanceAsync(TimeSpan delta)
    {
        _time.Advance(delta);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task TryAcquireAsync_LeaseKeyExpiredInRedis_NextTokenStillLarger()
    {
        RedisLeaderLease lease = CreateRedisLease(Server.Connection);
        var keys = new RedisKeys(_options.KeyPrefix);
        LeaseGrant first = (await lease.TryAcquireAsync("server-a", Duration, CancellationToken.None))!;

        // What PEXPIRE does once the margin has passed, without waiting for it.
        await Database.KeyDeleteAsync(keys.Leader);
        LeaseGrant? second = await lease.TryAcquireAsync("server-b", Duration, CancellationToken.None);

        Assert.NotNull(second);
        Assert.True(second.FencingToken > first.FencingToken);
    }

    [Fact]
    public async Task TryAcquireAsync_Granted_LeaseKeyExpiresAfterDurationPlusMargin()
    {
        RedisLeaderLease lease = CreateRedisLease(Server.Connection);
        var keys = new RedisKeys(_options.KeyPrefix);

        await lease.TryAcquireAsync("server-a", Duration, CancellationToken.None);
        TimeSpan? ttl = await Database.KeyTimeToLiveAsync(keys.Leader);
        TimeSpan? tokenTtl = await Database.KeyTimeToLiveAsync(keys.LeaderFencingToken);

        Assert.NotNull(ttl);
        // The lower bound leaves a busy machine 10 s between the two calls.
        Assert.InRange(ttl.Value, Duration + _options.LeaseKeyExpiryMargin - TimeSpan.FromSeconds(10), Duration + _options.LeaseKeyExpiryMargin);
        Assert.Null(tokenTtl);
    }

    [Fact]
    public async Task TryAcquireAsync_ExpiryFollowsInjectedClock()
    {
        RedisLeaderLease lease = CreateRedisLease(Server.Connection);

        LeaseGrant grant = (await lease.TryAcquireAsync("server-a", Duration, CancellationToken.None))!;

        Assert.Equal(_time.GetUtcNow() + Duration, grant.ExpiresAt);
    }

    [Fact]
    public async Task TryAcquireAsync_ManyServersAtOnce_ExactlyOneHolder()
    {
        // Each contender has its own connection, as separate servers would.
        var connections = new List<IConnectionMultiplexer>();
        try
        {
            for (int i = 0; i < 4; i++)
            {
                connections.Add(await RedisConnector.ConnectAsync(_options, CancellationToken.None));
            }

            LeaseGrant?[] grants = await Task.WhenAll(Enumerable.Range(0, 40).Select(
                i => CreateRedisLease(connections[i % connections.Count]).TryAcquireAsync($"server-{i}", Duration, CancellationToken.None)));

            Assert.Single(grants, g => g is not null);
        }
        finally
        {
            foreach (IConnectionMultiplexer connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task TryRenewAsync_SameHolderNewerToken_ReturnsNull()
    {
        RedisLeaderLease lease = CreateRedisLease(Server.Connection);
        LeaseGrant old = (await lease.TryAcquireAsync("server-a", Duration, CancellationToken.None))!;
        await AdvanceAsync(Duration + TimeSpan.FromMilliseconds(1));
        LeaseGrant current = (await lease.TryAcquireAsync("server-a", Duration, CancellationToken.None))!;

        LeaseGrant? renewed = await lease.TryRenewAsync(old, Duration, CancellationToken.None);

        Assert.True(current.FencingToken > old.FencingToken);
        Assert.Null(renewed);
    }

    private IDatabase Database => Server.Connection.GetDatabase(_options.Database);

    private RedisLeaderLease CreateRedisLease(IConnectionMultiplexer connection) => new(connection, _options, _time);
}
