using System.Text.Json;
using FedSharp.Server.Rounds;

namespace FedSharp.Server.Tests.Rounds;

public sealed class RoundStateTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static RoundState Busy()
    {
        var machine = new RoundStateMachine(new RoundOptions { StartFlJobThreshold = 2, FlIterationNum = 5 });
        RoundState state = machine.Open(1, 0, s_t0).State;
        state = machine.Apply(state, new DeadlineCheck(), s_t0 + TimeSpan.FromMinutes(5)).State;
        state = machine.Apply(state, new StartFlJobRequested("a", 3), s_t0 + TimeSpan.FromMinutes(6)).State;
        return machine.Apply(state, new UpdateModelRequested("a", 2, 3), s_t0 + TimeSpan.FromMinutes(7)).State;
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

        Assert.Equal(state.Clients["a"], copy.Clients["a"]);
        Assert.Equal(state.Outcomes, copy.Outcomes);

        // Every scalar field: the immutable collections compare by reference, so the originals stand in for them.
        Assert.Equal(state, copy with { Clients = state.Clients, Outcomes = state.Outcomes });
    }
}
