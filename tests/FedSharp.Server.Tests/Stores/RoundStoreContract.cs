using FedSharp.Server.Rounds;
using FedSharp.Server.Stores;

namespace FedSharp.Server.Tests.Stores;

/// <summary>What every <see cref="IRoundStore"/> must do; a test class per implementation inherits it.</summary>
public abstract class RoundStoreContract
{
    protected abstract Task<IRoundStore> CreateStoreAsync();

    private static RoundState Initial(int iteration = 1)
        => new RoundStateMachine(new RoundOptions()).Open(iteration, 0, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)).State;

    [Fact]
    public async Task GetAsync_NothingCreated_ReturnsNull()
    {
        IRoundStore store = await CreateStoreAsync();

        RoundState? state = await store.GetAsync(CancellationToken.None);

        Assert.Null(state);
    }

    [Fact]
    public async Task TryCreateAsync_Empty_SavesVersionOne()
    {
        IRoundStore store = await CreateStoreAsync();

        bool created = await store.TryCreateAsync(Initial(), CancellationToken.None);
        RoundState? saved = await store.GetAsync(CancellationToken.None);

        Assert.True(created);
        Assert.Equal(1, saved!.Version);
        Assert.Equal(1, saved.Iteration);
    }

    [Fact]
    public async Task TryCreateAsync_AlreadyCreated_ReturnsFalseAndKeepsFirst()
    {
        IRoundStore store = await CreateStoreAsync();
        await store.TryCreateAsync(Initial(1), CancellationToken.None);

        bool created = await store.TryCreateAsync(Initial(7), CancellationToken.None);
        RoundState? saved = await store.GetAsync(CancellationToken.None);

        Assert.False(created);
        Assert.Equal(1, saved!.Iteration);
    }

    [Fact]
    public async Task TryUpdateAsync_ExpectedVersionMatches_SavesNextVersion()
    {
        IRoundStore store = await CreateStoreAsync();
        await store.TryCreateAsync(Initial(), CancellationToken.None);
        RoundState current = (await store.GetAsync(CancellationToken.None))!;

        bool updated = await store.TryUpdateAsync(current with { Iteration = 2 }, current.Version, CancellationToken.None);
        RoundState? saved = await store.GetAsync(CancellationToken.None);

        Assert.True(updated);
        Assert.Equal(2, saved!.Version);
        Assert.Equal(2, saved.Iteration);
    }

    [Fact]
    public async Task TryUpdateAsync_StaleVersion_ReturnsFalseAndWritesNothing()
    {
        IRoundStore store = await CreateStoreAsync();
        await store.TryCreateAsync(Initial(), CancellationToken.None);
        RoundState stale = (await store.GetAsync(CancellationToken.None))!;
        await store.TryUpdateAsync(stale with { Iteration = 2 }, stale.Version, CancellationToken.None);

        bool updated = await store.TryUpdateAsync(stale with { Iteration = 9 }, stale.Version, CancellationToken.None);
        RoundState? saved = await store.GetAsync(CancellationToken.None);

        Assert.False(updated);
        Assert.Equal(2, saved!.Iteration);
    }

    [Fact]
    public async Task TryUpdateAsync_NothingCreated_ReturnsFalse()
    {
        IRoundStore store = await CreateStoreAsync();

        bool updated = await store.TryUpdateAsync(Initial(), 0, CancellationToken.None);

        Assert.False(updated);
    }

    [Fact]
    public async Task TryUpdateAsync_ConcurrentWritersFromSameVersion_ExactlyOneWins()
    {
        IRoundStore store = await CreateStoreAsync();
        await store.TryCreateAsync(Initial(), CancellationToken.None);
        RoundState current = (await store.GetAsync(CancellationToken.None))!;

        bool[] results = await Task.WhenAll(Enumerable.Range(2, 16).Select(i => Task.Run(() => store.TryUpdateAsync(current with { Iteration = i }, current.Version, CancellationToken.None))));

        Assert.Equal(1, results.Count(r => r));
        Assert.Equal(2, (await store.GetAsync(CancellationToken.None))!.Version);
    }

    [Fact]
    public async Task TryUpdateAsync_RoundTripsClientsAndOutcomes()
    {
        // Arrange: iteration 3 after a valid and a failed iteration, with two clients at different stages.
        IRoundStore store = await CreateStoreAsync();
        var machine = new RoundStateMachine(new RoundOptions { StartFlJobThreshold = 3 });
        RoundState initial = Initial(3);
        await store.TryCreateAsync(initial, CancellationToken.None);
        DateTimeOffset t0 = initial.OpenedAt;
        RoundState joined = machine.Apply(initial, new StartFlJobRequested("device-1", 42), t0).State;
        joined = machine.Apply(joined, new StartFlJobRequested("device-2", 7), t0.AddSeconds(1)).State;
        IterationOutcome[] outcomes =
        [
            new(1, true, "Iteration 1 aggregated 3 updates into a new global model.", t0.AddMinutes(-10), t0.AddMinutes(-6), 3),
            new(2, false, "round updateModel timed out with 1 of 3 updates", t0.AddMinutes(-6), t0, 1),
        ];
        RoundState next = joined with
        {
            Outcomes = [.. outcomes],
            ModelIteration = 1,
            ConsecutiveFailures = 1,
            Clients = joined.Clients.SetItem("device-2", joined.Clients["device-2"] with { Status = ParticipationStatus.Contributed }),
        };

        // Act
        bool updated = await store.TryUpdateAsync(next, 1, CancellationToken.None);
        RoundState saved = (await store.GetAsync(CancellationToken.None))!;

        // Assert
        Assert.True(updated);
        Assert.Equal(2, saved.Clients.Count);
        Assert.Equal(new ClientRegistration("device-1", 42, t0, ParticipationStatus.Joined), saved.Clients["device-1"]);
        Assert.Equal(new ClientRegistration("device-2", 7, t0.AddSeconds(1), ParticipationStatus.Contributed), saved.Clients["device-2"]);
        Assert.Equal(2, saved.AcceptedCount);
        Assert.Equal(outcomes, saved.Outcomes);
        Assert.Equal(outcomes[1], saved.FindOutcome(2));
        Assert.Equal(1, saved.ModelIteration);
        Assert.Equal(1, saved.ConsecutiveFailures);
    }
}
