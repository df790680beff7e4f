using System.Text.Json;
using FedSharp.Server.Rounds;

namespace FedSharp.Server.Tests.Rounds;

public sealed class RoundStateTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static RoundState Busy()
    {
        var machine = new StoredMachine(new RoundOptions { StartFlJobThreshold = 2, FlIterationNum = 5 });
        StoredRound round = machine.Open(1, 0, s_t0).State;
        round = machine.Apply(round, new DeadlineCheck(), s_t0 + TimeSpan.FromMinutes(5)).State;
        round = machine.Apply(round, new StartFlJobRequested("a", 3), s_t0 + TimeSpan.FromMinutes(6)).State;
        RoundState state = machine.Apply(round, new UpdateModelRequested("a", 2, 3), s_t0 + TimeSpan.FromMinutes(7)).State.State;
        Assert.Equal(1, state.UpdatesAccepted);
        return state;
    }

    [Fact]
    public void FindOutcome_EndedIteration_ReturnsIt()
    {
        RoundState state = Busy();

        IterationOutcome? outcome = state.FindOutcome(1);

        Assert.NotNull(outcome);
        Assert.False(outcome.Valid);
        Assert.Null(state.FindOutcome(2));
        Assert.Null(state.FindOutcome(0));
    }

    [Fact]
    public void JsonRoundTrip_BusyState_EveryFieldSurvives()
    {
        RoundState state = Busy();

        RoundState copy = JsonSerializer.Deserialize<RoundState>(JsonSerializer.Serialize(state))!;

        Assert.Equal(state.Outcomes, copy.Outcomes);

        // Every scalar field: the outcome list compares by reference, so the original stands in for it.
        Assert.Equal(state, copy with { Outcomes = state.Outcomes });
    }

    [Fact]
    public void JsonRoundTrip_Registration_EveryFieldSurvives()
    {
        var registration = new ClientRegistration("a", 2, 3, s_t0 + TimeSpan.FromMinutes(6), ParticipationStatus.Uploaded);

        ClientRegistration copy = JsonSerializer.Deserialize<ClientRegistration>(JsonSerializer.Serialize(registration))!;

        Assert.Equal(registration, copy);
    }
}
