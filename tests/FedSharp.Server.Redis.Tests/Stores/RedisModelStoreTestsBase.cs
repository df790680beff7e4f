using FedSharp.Server.Redis.Tests.Fixtures;
using FedSharp.Server.Stores;
using FedSharp.Testing;
using FedSharp.Testing.Stores;
using StackExchange.Redis;

namespace FedSharp.Server.Redis.Tests.Stores;

/// <summary>
/// The model store contract and the Redis-only rules (a damaged blob is reported, publishing is atomic) against one
/// server; a class per server (redis-server, Garnet) inherits it. Every store gets a fresh key prefix.
/// </summary>
public abstract class RedisModelStoreTestsBase(StoreServerFixture server) : ModelStoreContract
{
    private readonly RedisStoreOptions _options = server.NewOptions();

    protected StoreServerFixture Server { get; } = server;

    protected IDatabase Database => Server.Connection.GetDatabase(_options.Database);

    protected RedisKey ModelKey => new RedisKeys(_options.KeyPrefix).Model;

    protected override Task<IModelStore> CreateStoreAsync() => Task.FromResult<IModelStore>(CreateRedisStore());

    [Fact]
    public async Task GetCurrentAsync_BlobTruncated_ThrowsNamingKeyAndTruncation()
    {
        RedisModelStore store = CreateRedisStore();
        await store.TryPublishAsync(new PublishedModel(4, Filled(4)), CancellationToken.None);
        byte[] blob = (byte[])(await Database.HashGetAsync(ModelKey, "blob"))!;
        await Database.HashSetAsync(ModelKey, "blob", blob[..(blob.Length / 2)]);

        var ex = await Assert.ThrowsAsync<RedisStoreException>(() => store.GetCurrentAsync(CancellationToken.None));

        Assert.Contains(ModelKey.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetCurrentAsync_ValueByteFlipped_ThrowsCorrupt()
    {
        RedisModelStore store = CreateRedisStore();
        await store.TryPublishAsync(new PublishedModel(4, Filled(4)), CancellationToken.None);
        byte[] blob = (byte[])(await Database.HashGetAsync(ModelKey, "blob"))!;
        blob[blob.Length - 40] ^= 0x01;
        await Database.HashSetAsync(ModelKey, "blob", blob);

        var ex = await Assert.ThrowsAsync<RedisStoreException>(() => store.GetCurrentAsync(CancellationToken.None));

        Assert.Contains("corrupt", ex.Message, StringComparison.Ordinal);
        Assert.Contains("SHA-256", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetCurrentAsync_NotAModel_ThrowsNotACheckpoint()
    {
        RedisModelStore store = CreateRedisStore();
        await Database.HashSetAsync(ModelKey, [new HashEntry("iteration", 1), new HashEntry("blob", "hello, this is not a model at all")]);

        var ex = await Assert.ThrowsAsync<RedisStoreException>(() => store.GetCurrentAsync(CancellationToken.None));

        Assert.Contains("FSCK", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetCurrentAsync_IterationFieldDisagreesWithBlob_Throws()
    {
        RedisModelStore store = CreateRedisStore();
        await store.TryPublishAsync(new PublishedModel(4, Filled(4)), CancellationToken.None);
        await Database.HashSetAsync(ModelKey, "iteration", 5);

        var ex = await Assert.ThrowsAsync<RedisStoreException>(() => store.GetCurrentAsync(CancellationToken.None));

        Assert.Contains("holds iteration 4 but the hash says 5", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetCurrentAsync_BlobMissing_Throws()
    {
        RedisModelStore store = CreateRedisStore();
        await Database.HashSetAsync(ModelKey, "iteration", 2);

        var ex = await Assert.ThrowsAsync<RedisStoreException>(() => store.GetCurrentAsync(CancellationToken.None));

        Assert.Contains("blob field is missing", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryPublishAsync_ManyPublishersAtOnce_NewestWins()
    {
        // Two stores on two connections stand for two servers; iterations arrive in scrambled order.
        await using IConnectionMultiplexer second = await RedisConnector.ConnectAsync(_options, CancellationToken.None);
        RedisModelStore a = CreateRedisStore();
        var b = new RedisModelStore(second, _options, new ManualTimeProvider());
        int[] iterations = [.. Enumerable.Range(1, 30).OrderBy(i => (i * 7919) % 31)];

        bool[] results = await Task.WhenAll(iterations.Select((it, n) => (n % 2 == 0 ? a : b).TryPublishAsync(new PublishedModel(it, Filled(it)), CancellationToken.None)));
        PublishedModel current = (await a.GetCurrentAsync(CancellationToken.None))!;

        Assert.Equal(30, current.Iteration);
        Assert.Equal(Flatten(Filled(30)), Flatten(current.Parameters));
        Assert.True(results[Array.IndexOf(iterations, 30)]);
    }

    [Fact]
    public async Task TryPublishAsync_LargeModel_RoundTripsBitExact()
    {
        RedisModelStore store = CreateRedisStore();
        var random = new Random(1234);
        float[] weights = new float[250_000];
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)(random.NextDouble() * 2 - 1);
        }

        var model = new Core.Models.ModelParameters(
        [
            new Core.Models.ParameterTensor("conv1.weight", [500, 500], weights),
            new Core.Models.ParameterTensor("fc.bias", [3], [float.Epsilon, -0f, float.MaxValue]),
        ]);

        await store.TryPublishAsync(new PublishedModel(7, model), CancellationToken.None);
        PublishedModel current = (await store.GetCurrentAsync(CancellationToken.None))!;

        Assert.True(current.Parameters.HasSameLayout(model));
        Assert.Equal(Flatten(model).Select(BitConverter.SingleToInt32Bits), Flatten(current.Parameters).Select(BitConverter.SingleToInt32Bits));
    }

    protected RedisModelStore CreateRedisStore() => new(Server.Connection, _options, new ManualTimeProvider());
}
