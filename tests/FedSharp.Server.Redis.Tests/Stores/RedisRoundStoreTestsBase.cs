using System.Collections.Concurrent;
using FedSharp.Server.Redis.Tests.Fixtures;
using FedSharp.Server.Rounds;
using FedSharp.Server.Stores;
using FedSharp.Testing.Stores;
using StackExchange.Redis;

namespace FedSharp.Server.Redis.Tests.Stores;

/// <summary>
/// The round store contract and the Redis-only rules (one round trip per operation, a write's size does not grow with
/// the clients, unreadable values are reported with their key) against one server; a class per server inherits it.
/// </summary>
public abstract class RedisRoundStoreTestsBase(StoreServerFixture server) : RoundStoreContract
{
    private readonly RedisStoreOptions _options = server.NewOptions();

    protected StoreServerFixture Server { get; } = server;

    protected IDatabase Database => Server.Connection.GetDatabase(_options.Database);

    private protected RedisKeys Keys => new(_options.KeyPrefix);

    protected override Task<IRoundStore> CreateStoreAsync() => Task.FromResult<IRoundStore>(new RedisRoundStore(Server.Connection, _options));

    protected static RoundState Opened(int iteration = 1)
        => new RoundStateMachine(new RoundOptions()).Open(iteration, 0, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)).State;

    [Fact]
    public async Task EveryOperation_IsOneRoundTrip()
    {
        var log = new ConcurrentQueue<RoundTrip>();
        var store = new RedisRoundStore(CountingConnection.Wrap(Server.Connection, log), _options);
        RoundState initial = Opened();

        await store.TryCreateAsync(initial, CancellationToken.None);
        await store.TryUpdateAsync(initial with { RegisteredCount = 1 }, [new("device-1", 1, 5, initial.OpenedAt, ParticipationStatus.Joined)], 1, CancellationToken.None);
        RoundSnapshot? snapshot = await store.GetAsync("device-1", CancellationToken.None);
        await store.GetAsync(CancellationToken.None);
        await store.GetRegistrationsAsync(1, CancellationToken.None);

        Assert.NotNull(snapshot!.Registration);
        Assert.Equal(
            ["ScriptEvaluateAsync", "ScriptEvaluateAsync", "ScriptEvaluateAsync", "HashGetAsync", "ScriptEvaluateAsync"],
            log.Select(r => r.Method));
    }

    [Fact]
    public async Task TryUpdateAsync_ThousandClientsRegistered_SendsOnlyTheStateAndTheChangedRegistration()
    {
        var log = new ConcurrentQueue<RoundTrip>();
        var store = new RedisRoundStore(CountingConnection.Wrap(Server.Connection, log), _options);
        RoundState initial = Opened();
        await store.TryCreateAsync(initial, CancellationToken.None);
        ClientRegistration[] many = [.. Enumerable.Range(0, 1000).Select(i => new ClientRegistration($"device-{i}", 1, 5, initial.OpenedAt, ParticipationStatus.Joined))];
        await store.TryUpdateAsync(initial with { RegisteredCount = 1000 }, many, 1, CancellationToken.None);
        log.Clear();

        bool updated = await store.TryUpdateAsync(initial with { RegisteredCount = 1000, UpdatesAccepted = 1 }, [many[7] with { Status = ParticipationStatus.Uploaded }], 2, CancellationToken.None);

        Assert.True(updated);
        Assert.Equal([new RoundTrip("ScriptEvaluateAsync", 2, 5)], log);
        Assert.Equal(1000, await Database.HashLengthAsync(Keys.Registrations));
        Assert.Equal(ParticipationStatus.Uploaded, (await store.GetAsync("device-7", CancellationToken.None))!.Registration!.Status);
    }

    [Fact]
    public async Task TryUpdateAsync_NextIteration_RemovesTheRegistrationsKey()
    {
        var store = new RedisRoundStore(Server.Connection, _options);
        RoundState initial = Opened();
        await store.TryCreateAsync(initial, CancellationToken.None);
        await store.TryUpdateAsync(initial, [new("device-1", 1, 5, initial.OpenedAt, ParticipationStatus.Joined)], 1, CancellationToken.None);

        await store.TryUpdateAsync(initial with { Iteration = 2 }, [], 2, CancellationToken.None);

        Assert.False(await Database.KeyExistsAsync(Keys.Registrations));
    }

    [Fact]
    public async Task GetAsync_StateNotJson_ThrowsNamingTheKey()
    {
        var store = new RedisRoundStore(Server.Connection, _options);
        await store.TryCreateAsync(Opened(), CancellationToken.None);
        await Database.HashSetAsync(Keys.Round, "state", "{\"format\":1,\"iteration\":");

        var ex = await Assert.ThrowsAsync<RedisStoreException>(() => store.GetAsync(CancellationToken.None));

        Assert.Contains(Keys.Round.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Contains("malformed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_StateOfALaterFormat_ThrowsNamingTheFormat()
    {
        var store = new RedisRoundStore(Server.Connection, _options);
        await store.TryCreateAsync(Opened(), CancellationToken.None);
        string json = (string)(await Database.HashGetAsync(Keys.Round, "state"))!;
        await Database.HashSetAsync(Keys.Round, "state", json.Replace("\"format\":1", "\"format\":2", StringComparison.Ordinal));

        var ex = await Assert.ThrowsAsync<RedisStoreException>(() => store.GetAsync("device-1", CancellationToken.None));

        Assert.Contains("format 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_RegistrationDamaged_ThrowsNamingTheKeyAndClient()
    {
        var store = new RedisRoundStore(Server.Connection, _options);
        RoundState initial = Opened();
        await store.TryCreateAsync(initial, CancellationToken.None);
        await store.TryUpdateAsync(initial, [new("device-1", 1, 5, initial.OpenedAt, ParticipationStatus.Joined)], 1, CancellationToken.None);
        await Database.HashSetAsync(Keys.Registrations, "device-1", new byte[] { 1, 2, 3 });

        var ex = await Assert.ThrowsAsync<RedisStoreException>(() => store.GetAsync("device-1", CancellationToken.None));
        var all = await Assert.ThrowsAsync<RedisStoreException>(() => store.GetRegistrationsAsync(1, CancellationToken.None));

        Assert.Contains(Keys.Registrations.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Contains("'device-1'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("3 bytes", all.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryUpdateAsync_RegisteredAtWithTicks_RoundTripsExactly()
    {
        var store = new RedisRoundStore(Server.Connection, _options);
        RoundState initial = Opened() with { OpenedAt = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero).AddTicks(1234567) };
        await store.TryCreateAsync(initial, CancellationToken.None);
        ClientRegistration registration = new("device-1", 1, int.MaxValue, initial.OpenedAt.AddTicks(1), ParticipationStatus.Selected);

        await store.TryUpdateAsync(initial, [registration], 1, CancellationToken.None);
        RoundSnapshot snapshot = (await store.GetAsync("device-1", CancellationToken.None))!;

        Assert.Equal(registration, snapshot.Registration);
        Assert.Equal(initial with { Version = 2 }, snapshot.State with { Outcomes = initial.Outcomes });
        Assert.Equal(initial.OpenedAt.UtcTicks, snapshot.State.OpenedAt.UtcTicks);
    }
}
