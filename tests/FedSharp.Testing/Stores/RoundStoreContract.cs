using FedSharp.Server.Rounds;
using FedSharp.Server.Stores;

namespace FedSharp.Testing.Stores;

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

        bool updated = await store.TryUpdateAsync(current with { Iteration = 2 }, [], current.Version, CancellationToken.None);
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
        await store.TryUpdateAsync(stale with { Iteration = 2 }, [], stale.Version, CancellationToken.None);

        bool updated = await store.TryUpdateAsync(stale with { Iteration = 9 }, [], stale.Version, CancellationToken.None);
        RoundState? saved = await store.GetAsync(CancellationToken.None);

        Assert.False(updated);
        Assert.Equal(2, saved!.Iteration);
    }

    [Fact]
    public async Task TryUpdateAsync_NothingCreated_ReturnsFalse()
    {
        IRoundStore store = await CreateStoreAsync();

        bool updated = await store.TryUpdateAsync(Initial(), [], 0, CancellationToken.None);

        Assert.False(updated);
    }

    [Fact]
    public async Task TryUpdateAsync_ConcurrentWritersFromSameVersion_ExactlyOneWins()
    {
        IRoundStore store = await CreateStoreAsync();
        await store.TryCreateAsync(Initial(), CancellationToken.None);
        RoundState current = (await store.GetAsync(CancellationToken.None))!;

        bool[] results = await Task.WhenAll(Enumerable.Range(2, 16).Select(i => Task.Run(() => store.TryUpdateAsync(current with { Iteration = i }, [], current.Version, CancellationToken.None))));

        Assert.Equal(1, results.Count(r => r));
        Assert.Equal(2, (await store.GetAsync(CancellationToken.None))!.Version);
    }

    [Fact]
    public async Task TryUpdateAsync_RoundTripsRegistrationsAndOutcomes()
    {
        // Arrange: iteration 3 after a valid and a failed iteration, with two clients at different stages.
        IRoundStore store = await CreateStoreAsync();
        RoundState initial = Initial(3);
        await store.TryCreateAsync(initial, CancellationToken.None);
        DateTimeOffset t0 = initial.OpenedAt;
        IterationOutcome[] outcomes =
        [
            new(1, true, "Iteration 1 aggregated 3 updates into a new global model.", t0.AddMinutes(-10), t0.AddMinutes(-6), 3),
            new(2, false, "round updateModel timed out with 1 of 3 updates", t0.AddMinutes(-6), t0, 1),
        ];
        RoundState next = initial with
        {
            Outcomes = [.. outcomes],
            ModelIteration = 1,
            ConsecutiveFailures = 1,
            AcceptedCount = 2,
            RegisteredCount = 2,
            UpdatesAccepted = 1,
        };
        ClientRegistration first = new("device-1", 3, 42, t0, ParticipationStatus.Joined);
        ClientRegistration second = new("device-2", 3, 7, t0.AddSeconds(1), ParticipationStatus.Uploaded);

        // Act
        bool updated = await store.TryUpdateAsync(next, [first, second], 1, CancellationToken.None);
        RoundState saved = (await store.GetAsync(CancellationToken.None))!;
        RoundSnapshot? one = await store.GetAsync("device-1", CancellationToken.None);
        RoundSnapshot? two = await store.GetAsync("device-2", CancellationToken.None);
        RoundSnapshot? stranger = await store.GetAsync("device-9", CancellationToken.None);

        // Assert
        Assert.True(updated);
        Assert.Equal(first, one!.Registration);
        Assert.Equal(second, two!.Registration);
        Assert.Null(stranger!.Registration);
        // Records compare their outcome lists by reference; a remote store builds a new list on every read.
        Assert.Equal(saved with { Outcomes = [] }, stranger.State with { Outcomes = [] });
        Assert.Equal(saved.Outcomes, stranger.State.Outcomes);
        Assert.Equal(2, saved.AcceptedCount);
        Assert.Equal(2, saved.RegisteredCount);
        Assert.Equal(outcomes, saved.Outcomes);
        Assert.Equal(outcomes[1], saved.FindOutcome(2));
        Assert.Equal(1, saved.ModelIteration);
        Assert.Equal(1, saved.ConsecutiveFailures);
        Assert.Equal([first, second], (await store.GetRegistrationsAsync(3, CancellationToken.None)).OrderBy(r => r.ClientId, StringComparer.Ordinal));
    }

    [Fact]
    public async Task TryUpdateAsync_SameClientTwice_LaterWriteWins_AndOtherIterationsAreIgnored()
    {
        IRoundStore store = await CreateStoreAsync();
        RoundState initial = Initial();
        await store.TryCreateAsync(initial, CancellationToken.None);
        ClientRegistration candidate = new("device-1", 1, 5, initial.OpenedAt, ParticipationStatus.Candidate);

        await store.TryUpdateAsync(initial with { RegisteredCount = 1 }, [candidate, candidate with { Status = ParticipationStatus.Selected }, new("device-2", 0, 5, initial.OpenedAt, ParticipationStatus.Joined)], 1, CancellationToken.None);

        Assert.Equal(ParticipationStatus.Selected, (await store.GetAsync("device-1", CancellationToken.None))!.Registration!.Status);
        Assert.Null((await store.GetAsync("device-2", CancellationToken.None))!.Registration);
        Assert.Single(await store.GetRegistrationsAsync(1, CancellationToken.None));
    }

    [Fact]
    public async Task TryUpdateAsync_NextIteration_DropsTheEndedIterationsRegistrations()
    {
        IRoundStore store = await CreateStoreAsync();
        RoundState initial = Initial();
        await store.TryCreateAsync(initial, CancellationToken.None);
        await store.TryUpdateAsync(initial, [new("device-1", 1, 5, initial.OpenedAt, ParticipationStatus.Joined)], 1, CancellationToken.None);
        RoundState current = (await store.GetAsync(CancellationToken.None))!;

        await store.TryUpdateAsync(current with { Iteration = 2 }, [new("device-2", 2, 6, initial.OpenedAt, ParticipationStatus.Joined)], current.Version, CancellationToken.None);

        Assert.Null((await store.GetAsync("device-1", CancellationToken.None))!.Registration);
        Assert.Equal(6, (await store.GetAsync("device-2", CancellationToken.None))!.Registration!.DataSize);
        Assert.Empty(await store.GetRegistrationsAsync(1, CancellationToken.None));
        Assert.Single(await store.GetRegistrationsAsync(2, CancellationToken.None));
    }

    [Fact]
    public async Task TryUpdateAsync_StaleVersion_WritesNoRegistration()
    {
        IRoundStore store = await CreateStoreAsync();
        RoundState initial = Initial();
        await store.TryCreateAsync(initial, CancellationToken.None);
        await store.TryUpdateAsync(initial, [], 1, CancellationToken.None);

        bool updated = await store.TryUpdateAsync(initial, [new("device-1", 1, 5, initial.OpenedAt, ParticipationStatus.Joined)], 1, CancellationToken.None);

        Assert.False(updated);
        Assert.Null((await store.GetAsync("device-1", CancellationToken.None))!.Registration);
    }

    [Fact]
    public async Task GetAsyncForAClient_NothingCreated_ReturnsNull()
    {
        IRoundStore store = await CreateStoreAsync();

        Assert.Null(await store.GetAsync("device-1", CancellationToken.None));
        Assert.Empty(await store.GetRegistrationsAsync(1, CancellationToken.None));
    }
}
