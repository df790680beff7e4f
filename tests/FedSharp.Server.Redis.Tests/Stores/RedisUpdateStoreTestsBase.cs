using System.Collections.Concurrent;
using FedSharp.Core.Models;
using FedSharp.Server.Redis.Tests.Fixtures;
using FedSharp.Server.Stores;
using FedSharp.Server.Strategies;
using FedSharp.Testing;
using FedSharp.Testing.Stores;
using StackExchange.Redis;

namespace FedSharp.Server.Redis.Tests.Stores;

/// <summary>
/// The update store contract and the cluster rules against one server: several stores with different server ids on
/// one Redis stand for several server processes. A class per server (redis-server, Garnet) inherits it.
/// </summary>
public abstract class RedisUpdateStoreTestsBase(StoreServerFixture server) : UpdateStoreContract
{
    private readonly RedisStoreOptions _options = server.NewOptions();

    protected StoreServerFixture Server { get; } = server;

    protected IDatabase Database => Server.Connection.GetDatabase(_options.Database);

    private protected RedisKeys Keys => new(_options.KeyPrefix);

    protected override Task<IUpdateStore> CreateStoreAsync() => Task.FromResult<IUpdateStore>(CreateRedisStore("server-a"));

    [Fact]
    public async Task TwoServers_AddDifferentClients_EitherReadsTheExactCombinedSumAndClusterWideCounts()
    {
        await using RedisUpdateStore a = CreateRedisStore("server-a");
        await using RedisUpdateStore b = CreateRedisStore("server-b");

        UpdateReceipt first = (await a.AddAsync([new ClientUpdate("c1", 1, Create(1, 2, 3, 4, 5, 6), 2, loss: 1f)], CancellationToken.None))[0];
        UpdateReceipt second = (await b.AddAsync([new ClientUpdate("c2", 1, Create(-1, 0.5f, 0, 8, 1, 1), 3, loss: 2f, accuracy: 0.5f)], CancellationToken.None))[0];
        UpdateReceipt third = (await a.AddAsync([new ClientUpdate("c3", 1, Filled(10), 1)], CancellationToken.None))[0];
        UpdateReceipt again = (await b.AddAsync([new ClientUpdate("c1", 1, Filled(100), 2)], CancellationToken.None))[0];
        IterationAggregate fromA = (await a.ReadAsync(1, CancellationToken.None))!;
        IterationAggregate fromB = (await b.ReadAsync(1, CancellationToken.None))!;

        Assert.Equal([new UpdateReceipt(UpdateAdmission.Added, 1), new UpdateReceipt(UpdateAdmission.Added, 2), new UpdateReceipt(UpdateAdmission.Added, 3)], [first, second, third]);
        Assert.Equal(new UpdateReceipt(UpdateAdmission.AlreadyHeld, 3), again);
        foreach (IterationAggregate aggregate in new[] { fromA, fromB })
        {
            Assert.Equal([9f, 15.5f, 16f, 42f, 23f, 25f], Flatten(aggregate.WeightedSum));
            Assert.Equal(6, aggregate.TotalWeight);
            Assert.Equal(["c1", "c2", "c3"], aggregate.Contributors);
            Assert.Equal(1.6, aggregate.MeanLoss!.Value, 12);
            Assert.Equal(0.5, aggregate.MeanAccuracy!.Value, 12);
        }
    }

    [Fact]
    public async Task ManyServersConcurrently_EveryCountSeenOnce_SumExact()
    {
        const int servers = 4, clients = 120;
        var stores = Enumerable.Range(0, servers).Select(s => CreateRedisStore($"server-{s}")).ToArray();

        IReadOnlyList<UpdateReceipt>[] receipts = await Task.WhenAll(Enumerable.Range(0, clients).Select(i => Task.Run(() =>
            stores[i % servers].AddAsync([new ClientUpdate($"c{i}", 1, Filled(i % 5), 1 + (i % 3))], CancellationToken.None))));
        IterationAggregate aggregate = (await stores[1].ReadAsync(1, CancellationToken.None))!;

        Assert.Equal(Enumerable.Range(1, clients), receipts.Select(r => r[0].Held).Order());
        Assert.Equal(clients, aggregate.Contributors.Count);
        float expected = Enumerable.Range(0, clients).Sum(i => (i % 5) * (1 + (i % 3)));
        Assert.All(Flatten(aggregate.WeightedSum), v => Assert.Equal(expected, v));
        Assert.Equal(servers, await Database.HashLengthAsync(Keys.UpdateBlobs(1)));
        foreach (RedisUpdateStore store in stores)
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task ReadAsync_ServerDisposed_ItsPartialIsStillIncluded()
    {
        RedisUpdateStore dead = CreateRedisStore("server-dead");
        await dead.AddAsync([new ClientUpdate("c1", 1, Filled(1), 4)], CancellationToken.None);
        await dead.DisposeAsync();
        await using RedisUpdateStore alive = CreateRedisStore("server-alive");

        UpdateReceipt receipt = (await alive.AddAsync([new ClientUpdate("c2", 1, Filled(2), 1)], CancellationToken.None))[0];
        IterationAggregate aggregate = (await alive.ReadAsync(1, CancellationToken.None))!;

        Assert.Equal(new UpdateReceipt(UpdateAdmission.Added, 2), receipt);
        Assert.All(Flatten(aggregate.WeightedSum), v => Assert.Equal(6f, v));
        Assert.Equal(["c1", "c2"], aggregate.Contributors);
    }

    [Fact]
    public async Task AddAsync_RestartedServerReusesItsId_ContinuesFromItsPartialInRedis()
    {
        RedisUpdateStore before = CreateRedisStore("server-a");
        await before.AddAsync([new ClientUpdate("c1", 1, Filled(1), 1)], CancellationToken.None);
        await before.DisposeAsync();
        var log = new ConcurrentQueue<RoundTrip>();
        await using var restarted = new RedisUpdateStore(CountingConnection.Wrap(Server.Connection, log), _options, Options("server-a"), TimeProvider.System);

        UpdateReceipt receipt = (await restarted.AddAsync([new ClientUpdate("c2", 1, Filled(2), 1)], CancellationToken.None))[0];
        IterationAggregate aggregate = (await restarted.ReadAsync(1, CancellationToken.None))!;

        Assert.Equal(new UpdateReceipt(UpdateAdmission.Added, 2), receipt);
        Assert.All(Flatten(aggregate.WeightedSum), v => Assert.Equal(3f, v));
        // The first script hands the stored partial back, the second writes the sum of both; then the read.
        Assert.Equal(3, log.Count);
    }

    [Fact]
    public async Task AddAsync_OneUpdate_IsOneScriptCall_ReadAndDiscardOneEach()
    {
        var log = new ConcurrentQueue<RoundTrip>();
        await using var store = new RedisUpdateStore(CountingConnection.Wrap(Server.Connection, log), _options, Options("server-a"), TimeProvider.System);

        await store.AddAsync([new ClientUpdate("c1", 1, Filled(1), 1)], CancellationToken.None);
        await store.AddAsync([new ClientUpdate("c2", 1, Filled(1), 1)], CancellationToken.None);
        await store.ReadAsync(1, CancellationToken.None);
        await store.DiscardAsync(1, CancellationToken.None);

        Assert.Equal(4, log.Count);
        Assert.All(log, r => Assert.Equal("ScriptEvaluateAsync", r.Method));
    }

    [Fact]
    public async Task AddAsync_TenConcurrentAddsWithinTheWindow_BecomeOneScriptCall()
    {
        var time = new ManualTimeProvider();
        var log = new ConcurrentQueue<RoundTrip>();
        await using var store = new RedisUpdateStore(
            CountingConnection.Wrap(Server.Connection, log), _options, Options("server-a", TimeSpan.FromMilliseconds(50)), time);

        Task<IReadOnlyList<UpdateReceipt>>[] adds = [.. Enumerable.Range(0, 10).Select(i => store.AddAsync([new ClientUpdate($"c{i}", 1, Filled(i), 1)], CancellationToken.None))];
        bool anyDoneBefore = adds.Any(t => t.IsCompleted);
        int callsBefore = log.Count;
        time.Advance(TimeSpan.FromMilliseconds(50));
        IReadOnlyList<UpdateReceipt>[] receipts = await Task.WhenAll(adds);

        Assert.False(anyDoneBefore);
        Assert.Equal(0, callsBefore);
        Assert.Single(log);
        Assert.Equal(Enumerable.Range(1, 10), receipts.Select(r => r[0].Held));
        Assert.All(Flatten((await store.ReadAsync(1, CancellationToken.None))!.WeightedSum), v => Assert.Equal(45f, v));
    }

    [Fact]
    public async Task AddAsync_GroupHoldsAClientAnotherServerAdded_RefoldsWithoutItAndSumsExactly()
    {
        var time = new ManualTimeProvider();
        var log = new ConcurrentQueue<RoundTrip>();
        await using RedisUpdateStore other = CreateRedisStore("server-b");
        await using var store = new RedisUpdateStore(
            CountingConnection.Wrap(Server.Connection, log), _options, Options("server-a", TimeSpan.FromMilliseconds(50)), time);
        await other.AddAsync([new ClientUpdate("c1", 1, Filled(1), 1)], CancellationToken.None);

        Task<IReadOnlyList<UpdateReceipt>> retry = store.AddAsync([new ClientUpdate("c1", 1, Filled(100), 1)], CancellationToken.None);
        Task<IReadOnlyList<UpdateReceipt>> fresh = store.AddAsync([new ClientUpdate("c2", 1, Filled(2), 1)], CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(50));

        Assert.Equal([new UpdateReceipt(UpdateAdmission.AlreadyHeld, 2)], await retry);
        Assert.Equal([new UpdateReceipt(UpdateAdmission.Added, 2)], await fresh);
        Assert.Equal(2, log.Count);
        IterationAggregate aggregate = (await store.ReadAsync(1, CancellationToken.None))!;
        Assert.All(Flatten(aggregate.WeightedSum), v => Assert.Equal(3f, v));
        Assert.Equal(["c1", "c2"], aggregate.Contributors);
    }

    [Fact]
    public async Task DisposeAsync_AddsWaitingForTheirWindow_AreWrittenFirst()
    {
        var time = new ManualTimeProvider();
        RedisUpdateStore store = new(Server.Connection, _options, Options("server-a", TimeSpan.FromSeconds(1)), time);
        Task<IReadOnlyList<UpdateReceipt>> waiting = store.AddAsync([new ClientUpdate("c1", 1, Filled(1), 1)], CancellationToken.None);

        await store.DisposeAsync();
        await using RedisUpdateStore reader = CreateRedisStore("server-b");

        Assert.Equal([new UpdateReceipt(UpdateAdmission.Added, 1)], await waiting);
        Assert.Equal(["c1"], (await reader.ReadAsync(1, CancellationToken.None))!.Contributors);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.AddAsync([new ClientUpdate("c2", 1, Filled(1), 1)], CancellationToken.None));
    }

    [Fact]
    public async Task AddAsync_GroupReachesMaxUpdates_WrittenBeforeTheWindowEnds()
    {
        var time = new ManualTimeProvider();
        var log = new ConcurrentQueue<RoundTrip>();
        var options = Options("server-a", TimeSpan.FromSeconds(1));
        options.GroupCommitMaxUpdates = 4;
        await using var store = new RedisUpdateStore(CountingConnection.Wrap(Server.Connection, log), _options, options, time);

        Task<IReadOnlyList<UpdateReceipt>>[] adds = [.. Enumerable.Range(0, 4).Select(i => store.AddAsync([new ClientUpdate($"c{i}", 1, Filled(1), 1)], CancellationToken.None))];
        await Task.WhenAll(adds);

        Assert.Single(log);
        Assert.Equal(TimeSpan.Zero, time.GetUtcNow() - new ManualTimeProvider().GetUtcNow());
    }

    [Fact]
    public async Task AddAsync_AnotherServerDiscardedTheIteration_LateAddIsClosed()
    {
        await using RedisUpdateStore a = CreateRedisStore("server-a");
        await using RedisUpdateStore b = CreateRedisStore("server-b");
        await b.AddAsync([new ClientUpdate("c1", 2, Filled(1), 1)], CancellationToken.None);

        await a.DiscardAsync(2, CancellationToken.None);
        IReadOnlyList<UpdateReceipt> late = await b.AddAsync([new ClientUpdate("c2", 2, Filled(1), 1), new ClientUpdate("c3", 3, Filled(1), 1)], CancellationToken.None);

        Assert.Equal([new UpdateReceipt(UpdateAdmission.IterationClosed, 0), new UpdateReceipt(UpdateAdmission.Added, 1)], late);
        Assert.Null(await b.ReadAsync(2, CancellationToken.None));
    }

    [Fact]
    public async Task DiscardAsync_RemovesTheIterationsKeys_AndThoseOfEarlierOnesLeftBehind()
    {
        await using RedisUpdateStore store = CreateRedisStore("server-a");
        await store.AddAsync([new ClientUpdate("c1", 1, Filled(1), 1), new ClientUpdate("c1", 2, Filled(1), 1)], CancellationToken.None);

        await store.DiscardAsync(2, CancellationToken.None);

        foreach (int iteration in new[] { 1, 2 })
        {
            Assert.False(await Database.KeyExistsAsync(Keys.Contributors(iteration)));
            Assert.False(await Database.KeyExistsAsync(Keys.UpdateBlobs(iteration)));
            Assert.False(await Database.KeyExistsAsync(Keys.PartialCounts(iteration)));
        }

        Assert.False(await Database.KeyExistsAsync(Keys.UpdateIterations));
        Assert.Equal("2", (string?)await Database.StringGetAsync(Keys.UpdatesWatermark));
    }

    [Fact]
    public async Task ReadAsync_PartialBlobDamaged_ThrowsNamingKeyAndServer()
    {
        await using RedisUpdateStore store = CreateRedisStore("server-a");
        await store.AddAsync([new ClientUpdate("c1", 1, Filled(1), 1)], CancellationToken.None);
        byte[] blob = (byte[])(await Database.HashGetAsync(Keys.UpdateBlobs(1), "server-a"))!;
        blob[^20] ^= 0x40;
        await Database.HashSetAsync(Keys.UpdateBlobs(1), "server-a", blob);

        var ex = await Assert.ThrowsAsync<RedisStoreException>(() => store.ReadAsync(1, CancellationToken.None));

        Assert.Contains(Keys.UpdateBlobs(1).ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Contains("'server-a'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("XxHash3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_PartialBlobNotABlob_ThrowsNamingTheMagic()
    {
        await using RedisUpdateStore store = CreateRedisStore("server-a");
        await store.AddAsync([new ClientUpdate("c1", 1, Filled(1), 1)], CancellationToken.None);
        await Database.HashSetAsync(Keys.UpdateBlobs(1), "server-a", "hello");

        var ex = await Assert.ThrowsAsync<RedisStoreException>(() => store.ReadAsync(1, CancellationToken.None));

        Assert.Contains("FSPS", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_CountsDisagreeWithContributors_Throws()
    {
        await using RedisUpdateStore store = CreateRedisStore("server-a");
        await store.AddAsync([new ClientUpdate("c1", 1, Filled(1), 1)], CancellationToken.None);
        await Database.HashSetAsync(Keys.Contributors(1), "ghost", 2);

        var ex = await Assert.ThrowsAsync<RedisStoreException>(() => store.ReadAsync(1, CancellationToken.None));

        Assert.Contains("lists 2 contributors", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddAsync_OneServer_SumsBitForBitLikeTheInMemoryStore()
    {
        var random = new Random(20261206);
        ClientUpdate[] updates = [.. Enumerable.Range(0, 25).Select(i => new ClientUpdate(
            $"c{i}", 1, Create([.. Enumerable.Range(0, 6).Select(_ => (float)((random.NextDouble() * 2) - 1))]), 1 + random.Next(500), (float)random.NextDouble(), (float)random.NextDouble()))];
        var memory = new InMemoryUpdateStore();
        await using RedisUpdateStore redis = CreateRedisStore("server-a");

        foreach (ClientUpdate update in updates)
        {
            await memory.AddAsync([update], CancellationToken.None);
            await redis.AddAsync([update], CancellationToken.None);
        }

        IterationAggregate expected = (await memory.ReadAsync(1, CancellationToken.None))!;
        IterationAggregate actual = (await redis.ReadAsync(1, CancellationToken.None))!;
        Assert.Equal(Flatten(expected.WeightedSum).Select(BitConverter.SingleToInt32Bits), Flatten(actual.WeightedSum).Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(expected.LossWeightedSum, actual.LossWeightedSum);
        Assert.Equal(expected.AccuracyWeightedSum, actual.AccuracyWeightedSum);
        Assert.Equal(expected.TotalWeight, actual.TotalWeight);
        Assert.Equal(expected.Contributors, actual.Contributors);
    }

    [Fact]
    public async Task RingSum_TwoServers_CombineExactlyModulo2To32()
    {
        await using RedisUpdateStore a = CreateRedisStore("server-a", AccumulatorKind.RingSum);
        await using RedisUpdateStore b = CreateRedisStore("server-b", AccumulatorKind.RingSum);
        uint[][] words = [[0xFFFF_FFF0u, 1, 2, 3, 0x8000_0000u, 7], [0x20u, 0xFFFF_FFFFu, 5, 0, 0x8000_0000u, 9], [1, 1, 1, 1, 1, 1]];
        ClientUpdate Masked(int i) => new($"c{i}", 1, Create([.. words[i].Select(BitConverter.UInt32BitsToSingle)]), 1);

        await a.AddAsync([Masked(0)], CancellationToken.None);
        await b.AddAsync([Masked(1)], CancellationToken.None);
        await a.AddAsync([Masked(2)], CancellationToken.None);
        IterationAggregate aggregate = (await b.ReadAsync(1, CancellationToken.None))!;

        uint[] expected = [.. Enumerable.Range(0, 6).Select(j => unchecked(words[0][j] + words[1][j] + words[2][j]))];
        Assert.Equal(expected, Flatten(aggregate.WeightedSum).Select(BitConverter.SingleToUInt32Bits));
    }

    [Fact]
    public async Task IndividualUpdates_TwoServers_ReadGivesEveryUpdateInOrder()
    {
        await using RedisUpdateStore a = CreateRedisStore("server-a", AccumulatorKind.IndividualUpdates);
        await using RedisUpdateStore b = CreateRedisStore("server-b", AccumulatorKind.IndividualUpdates);

        await b.AddAsync([new ClientUpdate("c1", 1, Filled(1), 2, loss: 0.25f)], CancellationToken.None);
        await a.AddAsync([new ClientUpdate("c2", 1, Create(1, 2, 3, 4, 5, 6), 3, accuracy: 0.75f)], CancellationToken.None);
        IReadOnlyList<UpdateReceipt> again = await a.AddAsync([new ClientUpdate("c1", 1, Filled(9), 2)], CancellationToken.None);
        IterationAggregate aggregate = (await a.ReadAsync(1, CancellationToken.None))!;

        Assert.Equal([new UpdateReceipt(UpdateAdmission.AlreadyHeld, 2)], again);
        Assert.Equal(["c1", "c2"], aggregate.Updates.Select(u => u.ClientId));
        Assert.Equal([1f, 1, 1, 1, 1, 1], Flatten(aggregate.Updates[0].Parameters));
        Assert.Equal([1f, 2, 3, 4, 5, 6], Flatten(aggregate.Updates[1].Parameters));
        Assert.Equal(0.25f, aggregate.Updates[0].Loss);
        Assert.Null(aggregate.Updates[0].Accuracy);
        Assert.Equal(0.75f, aggregate.Updates[1].Accuracy);
        Assert.Equal(5, aggregate.TotalWeight);
        Assert.All(Flatten(aggregate.WeightedSum), v => Assert.Equal(0f, v));
    }

    [Fact]
    public async Task IndividualUpdates_BlobUnderAnotherClientsField_Throws()
    {
        await using RedisUpdateStore store = CreateRedisStore("server-a", AccumulatorKind.IndividualUpdates);
        await store.AddAsync([new ClientUpdate("c1", 1, Filled(1), 2), new ClientUpdate("c2", 1, Filled(2), 2)], CancellationToken.None);
        await Database.HashSetAsync(Keys.UpdateBlobs(1), "c2", await Database.HashGetAsync(Keys.UpdateBlobs(1), "c1"));

        var ex = await Assert.ThrowsAsync<RedisStoreException>(() => store.ReadAsync(1, CancellationToken.None));

        Assert.Contains("field of client 'c2' holds the update of client 'c1'", ex.Message, StringComparison.Ordinal);
    }

    protected static RedisUpdateStoreOptions Options(string serverId, TimeSpan? window = null) => new()
    {
        ServerId = serverId,
        GroupCommitWindow = window ?? TimeSpan.FromMilliseconds(1),
    };

    protected RedisUpdateStore CreateRedisStore(string serverId, AccumulatorKind kind = AccumulatorKind.WeightedSum)
        => new(Server.Connection, _options, Options(serverId), TimeProvider.System, kind);
}
