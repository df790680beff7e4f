using FedSharp.Core.Models;
using FedSharp.Server.Redis.Tests.Fixtures;
using FedSharp.Server.Rounds;
using FedSharp.Server.Stores;
using FedSharp.Server.Strategies;
using FedSharp.Testing;
using StackExchange.Redis;

namespace FedSharp.Server.Redis.Tests.Stores;

/// <summary>
/// Two round coordinators on the Redis stores, as two peer servers: devices join and upload through either, and the
/// iteration completes once, with the exact mean of every update whichever server received it.
/// </summary>
public abstract class RedisClusterRoundTestsBase(StoreServerFixture server)
{
    private readonly RedisStoreOptions _options = server.NewOptions();
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public async Task TwoServers_DevicesSplitBetweenThem_OneIterationWithTheExactMean()
    {
        await using IConnectionMultiplexer second = await RedisConnector.ConnectAsync(_options, CancellationToken.None);
        (RoundCoordinator a, RedisUpdateStore updatesA) = Create(server.Connection, "server-a");
        (RoundCoordinator b, RedisUpdateStore updatesB) = Create(second, "server-b");
        await using (updatesA)
        await using (updatesB)
        {
            using (a)
            using (b)
            {
                await a.InitializeAsync(Model(0), CancellationToken.None);
                RoundStartup joined = await b.InitializeAsync(Model(0), CancellationToken.None);
                RoundCoordinator[] servers = [a, b];

                for (int i = 0; i < 4; i++)
                {
                    Assert.Equal(RoundRetcode.Succeed, (await servers[i % 2].StartFlJobAsync($"device-{i}", 1 + i, CancellationToken.None)).Reply.Code);
                }

                RoundReply[] replies = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
                    servers[(i + 1) % 2].UpdateModelAsync(new ClientUpdate($"device-{i}", 1, Model(i + 1), 1 + i), CancellationToken.None)));
                await a.WhenIdleAsync();
                await b.WhenIdleAsync();

                Assert.True(joined.JoinedExisting);
                Assert.All(replies, r => Assert.Equal(RoundRetcode.Succeed, r.Code));
                RoundState state = await b.GetStateAsync(CancellationToken.None);
                Assert.Equal(2, state.Iteration);
                Assert.True(state.FindOutcome(1)!.Valid);
                PublishedModel model = (await new RedisModelStore(server.Connection, _options, _time).GetCurrentAsync(CancellationToken.None))!;
                Assert.Equal(1, model.Iteration);
                // Σ n·w / Σ n = (1·1 + 2·2 + 3·3 + 4·4) / 10 = 3
                Assert.All(model.Parameters.Tensors.SelectMany(t => t.Values), v => Assert.Equal(3f, v));
                Assert.False(await server.Connection.GetDatabase().KeyExistsAsync(new RedisKeys(_options.KeyPrefix).Contributors(1)));
            }
        }
    }

    private static ModelParameters Model(float value) => new([new ParameterTensor("fc.weight", [2, 2], [value, value, value, value]), new ParameterTensor("fc.bias", [2], [value, value])]);

    private (RoundCoordinator Coordinator, RedisUpdateStore Updates) Create(IConnectionMultiplexer connection, string serverId)
    {
        var updates = new RedisUpdateStore(connection, _options, new RedisUpdateStoreOptions { ServerId = serverId, GroupCommitWindow = TimeSpan.Zero }, _time);
        var options = new RoundOptions
        {
            StartFlJobThreshold = 4,
            UpdateModelRatio = 1.0,
            StartFlJobTimeWindow = TimeSpan.FromSeconds(10),
            UpdateModelTimeWindow = TimeSpan.FromSeconds(20),
            GlobalIterationTimeWindow = TimeSpan.FromMinutes(5),
            FlIterationNum = 3,
        };
        var coordinator = new RoundCoordinator(options, new RedisRoundStore(connection, _options), updates, new RedisModelStore(connection, _options, _time), new FedAvg(), _time);
        return (coordinator, updates);
    }
}
