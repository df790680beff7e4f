using FedSharp.Server.Redis.Tests.Fixtures;
using FedSharp.Server.Rounds;
using StackExchange.Redis;

namespace FedSharp.Server.Redis.Tests.Stores;

[Collection(SharedRedisServer.Name)]
public sealed class RedisServerRoundStoreTests(RedisServerFixture server) : RedisRoundStoreTestsBase(server)
{
    /// <summary>
    /// What Redis itself executes for one compare-and-set (INFO commandstats counts the commands a script runs): the
    /// same commands with 10 or 1,000 clients registered, and no command that touches every registration.
    /// </summary>
    [Fact]
    public async Task TryUpdateAsync_CommandsRedisRuns_SameForTenAndThousandClients()
    {
        Dictionary<string, long> ten = await CommandsOfOneUpdateAsync(10);
        Dictionary<string, long> thousand = await CommandsOfOneUpdateAsync(1000);

        Assert.Equal(ten, thousand);
        Assert.Equal(2, thousand["hset"]);
        Assert.Equal(1, thousand["hmget"]);
        Assert.DoesNotContain("hgetall", thousand.Keys);
        Assert.DoesNotContain("del", thousand.Keys);
    }

    private async Task<Dictionary<string, long>> CommandsOfOneUpdateAsync(int clients)
    {
        var store = new RedisRoundStore(Server.Connection, Server.NewOptions());
        RoundState initial = Opened();
        await store.TryCreateAsync(initial, CancellationToken.None);
        ClientRegistration[] all = [.. Enumerable.Range(0, clients).Select(i => new ClientRegistration($"device-{i}", 1, 5, initial.OpenedAt, ParticipationStatus.Joined))];
        await store.TryUpdateAsync(initial, all, 1, CancellationToken.None);
        // INFO is an admin command for the client library, so it gets a connection of its own.
        await using ConnectionMultiplexer admin = await ConnectionMultiplexer.ConnectAsync($"{Server.Endpoint},allowAdmin=true");
        IServer redis = admin.GetServer(Server.Endpoint);

        Dictionary<string, long> before = await CallsAsync(redis);
        await store.TryUpdateAsync(initial with { UpdatesAccepted = 1 }, [all[3] with { Status = ParticipationStatus.Uploaded }], 2, CancellationToken.None);
        Dictionary<string, long> after = await CallsAsync(redis);

        return after
            .Select(a => (a.Key, Delta: a.Value - before.GetValueOrDefault(a.Key)))
            .Where(d => d.Delta > 0 && d.Key is not ("info" or "ping" or "echo"))
            .ToDictionary(d => d.Key, d => d.Delta);
    }

    private static async Task<Dictionary<string, long>> CallsAsync(IServer redis)
    {
        var calls = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (IGrouping<string, KeyValuePair<string, string>> section in await redis.InfoAsync("commandstats"))
        {
            foreach (KeyValuePair<string, string> entry in section)
            {
                // cmdstat_hset: calls=2,usec=...,rejected_calls=0,failed_calls=0
                string name = entry.Key.Replace("cmdstat_", string.Empty, StringComparison.Ordinal);
                string count = entry.Value.Split(',')[0].Split('=')[1];
                calls[name] = long.Parse(count, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return calls;
    }
}
