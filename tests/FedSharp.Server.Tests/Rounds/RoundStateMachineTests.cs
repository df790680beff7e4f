using FedSharp.Server.Rounds;

namespace FedSharp.Server.Tests.Rounds;

public sealed class RoundStateMachineTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan s_startWindow = TimeSpan.FromMilliseconds(10_000);
    private static readonly TimeSpan s_updateWindow = TimeSpan.FromMilliseconds(20_000);
    private static readonly TimeSpan s_globalWindow = TimeSpan.FromMilliseconds(60_000);

    private static RoundOptions Options(int threshold = 2, double ratio = 1.0, int iterations = 3, ClientSampling sampling = ClientSampling.FirstCome, int seed = 7) => new()
    {
        StartFlJobThreshold = threshold,
        UpdateModelRatio = ratio,
        StartFlJobTimeWindow = s_startWindow,
        UpdateModelTimeWindow = s_updateWindow,
        GlobalIterationTimeWindow = s_globalWindow,
        FlIterationNum = iterations,
        ClientSampling = sampling,
        SamplingSeed = seed,
        RetryInterval = TimeSpan.FromMilliseconds(500),
    };

    private static (StoredMachine Machine, StoredRound State) Start(RoundOptions options)
    {
        var machine = new StoredMachine(options);
        return (machine, machine.Open(1, 0, s_t0).State);
    }

    private static StoredRound Step(StoredMachine machine, StoredRound state, RoundEvent @event, TimeSpan at)
        => machine.Apply(state, @event, s_t0 + at).State;

    private static StoredRound JoinAll(StoredMachine machine, StoredRound state, params string[] clients)
    {
        foreach (string client in clients)
        {
            state = Step(machine, state, new StartFlJobRequested(client, 10), TimeSpan.FromMilliseconds(100));
        }

        return state;
    }

    private static StoredRound Contribute(StoredMachine machine, StoredRound state, string client, TimeSpan at)
        => Step(machine, state, new UpdateModelRequested(client, state.Iteration, 10), at);

    [Fact]
    public void Open_FirstIteration_SchedulesStartFlJobAndGlobalDeadlines()
    {
        var machine = new StoredMachine(Options());

        StoredTransition opened = machine.Open(1, 0, s_t0);

        Assert.Equal(1, opened.State.Iteration);
        Assert.Equal(RoundPhase.Selecting, opened.State.Phase);
        Assert.Equal(s_t0 + s_startWindow, opened.State.StartFlJobDeadline);
        Assert.Equal(s_t0 + s_globalWindow, opened.State.GlobalDeadline);
        Assert.Equal([new ScheduleTimer(s_t0 + s_startWindow), new ScheduleTimer(s_t0 + s_globalWindow)], opened.Effects);
    }

    [Fact]
    public void Open_IterationPastLast_InstanceFinished()
    {
        var machine = new StoredMachine(Options(iterations: 3));

        StoredTransition opened = machine.Open(4, 3, s_t0);

        Assert.Equal(InstanceStatus.Finished, opened.State.Status);
        Assert.Equal(3, opened.State.Iteration);
        Assert.Contains(new InstanceFinished(3), opened.Effects);
    }

    [Fact]
    public void CloseIteration_ManyIterations_StateKeepsOnlyTheNewestOutcomes_AndOlderResultsAreRefusedByName()
    {
        (StoredMachine machine, StoredRound state) = Start(Options(iterations: 1000));
        TimeSpan at = TimeSpan.Zero;
        int closed = RoundStateMachine.OutcomeHistory + 5;
        for (int i = 0; i < closed; i++)
        {
            // Nobody joins, so each startFLJob window fails its iteration and opens the next.
            at += s_startWindow + TimeSpan.FromMilliseconds(1);
            state = Step(machine, state, new DeadlineCheck(), at);
        }

        RoundReply old = machine.Apply(state, new GetResultRequested("a", 5), s_t0 + at).Reply!;
        RoundReply recent = machine.Apply(state, new GetResultRequested("a", closed), s_t0 + at).Reply!;

        Assert.Equal(closed + 1, state.Iteration);
        Assert.Equal(RoundStateMachine.OutcomeHistory, state.Outcomes.Count);
        Assert.Equal(6, state.Outcomes[0].Iteration);
        Assert.Equal(RoundRetcode.RequestError, old.Code);
        Assert.Contains("iteration 5, which this instance no longer holds (it keeps the outcomes of the newest 100 iterations", old.Reason, StringComparison.Ordinal);
        Assert.Equal(RoundRetcode.Succeed, recent.Code);
        Assert.Equal(closed, recent.Outcome!.Iteration);
    }

    [Fact]
    public void Open_WithRestoredOutcome_GetResultOfThatIterationSucceeds()
    {
        var machine = new StoredMachine(Options(iterations: 5));
        var restored = new IterationOutcome(3, true, "restored from checkpoint", s_t0, s_t0, 0);

        StoredRound state = machine.Open(4, 3, s_t0, restored).State;
        StoredTransition asked = machine.Apply(state, new GetResultRequested("a", 3), s_t0);

        Assert.Equal(RoundRetcode.Succeed, asked.Reply!.Code);
        Assert.Same(restored, asked.Reply.Outcome);
    }

    [Fact]
    public void Open_RestoredOutcomeNotOfThePreviousIteration_Throws()
    {
        var machine = new StoredMachine(Options(iterations: 5));

        ArgumentException error = Assert.Throws<ArgumentException>(() => machine.Open(4, 3, s_t0, new IterationOutcome(2, true, "r", s_t0, s_t0, 0)));

        Assert.Contains("iteration 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_StartFlJobBelowThreshold_AcceptsFirstCome()
    {
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 2));

        StoredTransition transition = machine.Apply(state, new StartFlJobRequested("a", 10), s_t0 + TimeSpan.FromSeconds(1));

        Assert.Equal(RoundRetcode.Succeed, transition.Reply!.Code);
        Assert.Contains("'a'", transition.Reply.Reason, StringComparison.Ordinal);
        Assert.Equal(1, transition.State.AcceptedCount);
        Assert.Equal(RoundPhase.Selecting, transition.State.Phase);
        Assert.Equal(new ClientRegistration("a", 1, 10, s_t0 + TimeSpan.FromSeconds(1), ParticipationStatus.Joined), Assert.Single(transition.Registrations));
        Assert.Equal(1, transition.State.RegisteredCount);
        Assert.Empty(transition.Effects);
    }

    [Fact]
    public void Apply_StartFlJobReachesThreshold_OpensUpdateModelWindow()
    {
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 2));
        state = Step(machine, state, new StartFlJobRequested("a", 10), TimeSpan.FromSeconds(1));

        StoredTransition transition = machine.Apply(state, new StartFlJobRequested("b", 10), s_t0 + TimeSpan.FromSeconds(2));

        Assert.Equal(RoundRetcode.Succeed, transition.Reply!.Code);
        Assert.Equal(RoundPhase.Training, transition.State.Phase);
        DateTimeOffset updateDeadline = s_t0 + TimeSpan.FromSeconds(2) + s_updateWindow;
        Assert.Equal(updateDeadline, transition.State.UpdateModelDeadline);
        Assert.Equal([new ScheduleTimer(updateDeadline)], transition.Effects);
    }

    [Fact]
    public void Apply_StartFlJobOverThreshold_OutOfTimeUntilIterationCanEnd()
    {
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 2));
        state = Step(machine, state, new StartFlJobRequested("a", 10), TimeSpan.FromSeconds(1));
        state = Step(machine, state, new StartFlJobRequested("b", 10), TimeSpan.FromSeconds(2));

        StoredTransition transition = machine.Apply(state, new StartFlJobRequested("c", 10), s_t0 + TimeSpan.FromSeconds(3));

        Assert.Equal(RoundRetcode.OutOfTime, transition.Reply!.Code);
        Assert.Equal(s_t0 + TimeSpan.FromSeconds(2) + s_updateWindow, transition.Reply.NextRequestTime);
        Assert.Contains("'c'", transition.Reply.Reason, StringComparison.Ordinal);
        Assert.Same(state, transition.State);
    }

    [Fact]
    public void Apply_StartFlJobOverThresholdNearGlobalDeadline_NextRequestTimeIsGlobalDeadline()
    {
        RoundOptions options = Options(threshold: 1);
        options.GlobalIterationTimeWindow = TimeSpan.FromMilliseconds(15_000);
        (StoredMachine machine, StoredRound state) = Start(options);
        state = Step(machine, state, new StartFlJobRequested("a", 10), TimeSpan.FromSeconds(1));

        StoredTransition transition = machine.Apply(state, new StartFlJobRequested("b", 10), s_t0 + TimeSpan.FromSeconds(2));

        Assert.Equal(RoundRetcode.OutOfTime, transition.Reply!.Code);
        Assert.Equal(s_t0 + TimeSpan.FromMilliseconds(15_000), transition.Reply.NextRequestTime);
    }

    [Fact]
    public void Apply_SecondStartFlJobBySameClient_Refused()
    {
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 3));
        state = Step(machine, state, new StartFlJobRequested("a", 10), TimeSpan.FromSeconds(1));

        StoredTransition transition = machine.Apply(state, new StartFlJobRequested("a", 10), s_t0 + TimeSpan.FromSeconds(2));

        Assert.Equal(RoundRetcode.OutOfTime, transition.Reply!.Code);
        Assert.Contains("already joined iteration 1", transition.Reply.Reason, StringComparison.Ordinal);
        Assert.Equal(1, transition.State.AcceptedCount);
    }

    [Fact]
    public void Apply_StartFlJobWithZeroDataSize_RequestError()
    {
        (StoredMachine machine, StoredRound state) = Start(Options());

        StoredTransition transition = machine.Apply(state, new StartFlJobRequested("a", 0), s_t0);

        Assert.Equal(RoundRetcode.RequestError, transition.Reply!.Code);
        Assert.Same(state, transition.State);
        Assert.Empty(transition.Registrations);
    }

    [Fact]
    public void Apply_UpdateWithoutStartFlJob_OutOfTime()
    {
        (StoredMachine machine, StoredRound state) = Start(Options());

        StoredTransition transition = machine.Apply(state, new UpdateModelRequested("stranger", 1, 10), s_t0 + TimeSpan.FromSeconds(1));

        Assert.Equal(RoundRetcode.OutOfTime, transition.Reply!.Code);
        Assert.Contains("without a successful startFLJob", transition.Reply.Reason, StringComparison.Ordinal);
        Assert.Equal(0, transition.State.UpdatesAccepted);
        // The iteration still takes participants (as after a restart from a checkpoint): join again after the retry
        // interval, not after the iteration.
        Assert.Equal(s_t0 + TimeSpan.FromSeconds(1.5), transition.Reply.NextRequestTime);
        Assert.Contains("send startFLJob again", transition.Reply.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_UpdateWithoutStartFlJobOnceParticipantsAreFixed_WaitsForTheNextIteration()
    {
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 1));
        state = JoinAll(machine, state, "a");

        StoredTransition transition = machine.Apply(state, new UpdateModelRequested("stranger", 1, 10), s_t0 + TimeSpan.FromSeconds(1));

        Assert.Equal(RoundRetcode.OutOfTime, transition.Reply!.Code);
        Assert.Contains("start over with the next iteration", transition.Reply.Reason, StringComparison.Ordinal);
        Assert.True(transition.Reply.NextRequestTime > s_t0 + TimeSpan.FromSeconds(1.5));
    }

    [Fact]
    public void Apply_UpdateForEndedIteration_OutOfTime()
    {
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 1));
        state = JoinAll(machine, state, "a");
        state = Contribute(machine, state, "a", TimeSpan.FromSeconds(1));
        state = Step(machine, state, new AggregationCompleted(1), TimeSpan.FromSeconds(2));
        state = Step(machine, state, new StartFlJobRequested("a", 10), TimeSpan.FromSeconds(3));

        StoredTransition transition = machine.Apply(state, new UpdateModelRequested("a", 1, 10), s_t0 + TimeSpan.FromSeconds(4));

        Assert.Equal(RoundRetcode.OutOfTime, transition.Reply!.Code);
        Assert.Contains("iteration 1, which has ended", transition.Reply.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_UpdateForFutureIteration_RequestError()
    {
        (StoredMachine machine, StoredRound state) = Start(Options());
        state = JoinAll(machine, state, "a");

        StoredTransition transition = machine.Apply(state, new UpdateModelRequested("a", 2, 10), s_t0 + TimeSpan.FromSeconds(1));

        Assert.Equal(RoundRetcode.RequestError, transition.Reply!.Code);
    }

    [Fact]
    public void Apply_UpdateWithoutAClaimedDataSize_IsWeightedByTheSizeDeclaredAtStartFlJob()
    {
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 2));
        state = JoinAll(machine, state, "a", "b");

        StoredTransition transition = machine.Apply(state, new UpdateModelRequested("a", 1, null), s_t0 + TimeSpan.FromSeconds(1));

        Assert.Equal(RoundRetcode.Succeed, transition.Reply!.Code);
        Assert.Equal([new AccumulateUpdate("a", 1, 10, state.Clients["a"].RegisteredAt)], transition.Effects);
    }

    [Fact]
    public void Apply_UpdateAccepted_TakesASlotAndWritesOnlyItsRegistration()
    {
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 2));
        state = JoinAll(machine, state, "a", "b");

        StoredTransition transition = machine.Apply(state, new UpdateModelRequested("a", 1, 10), s_t0 + TimeSpan.FromSeconds(1));

        Assert.Equal(RoundRetcode.Succeed, transition.Reply!.Code);
        Assert.Equal([new AccumulateUpdate("a", 1, 10, state.Clients["a"].RegisteredAt)], transition.Effects);
        Assert.Equal(1, transition.State.UpdatesAccepted);
        Assert.Equal(RoundPhase.Training, transition.State.Phase);
        Assert.Equal(state.Clients["a"] with { Status = ParticipationStatus.Uploaded }, Assert.Single(transition.Registrations));
    }

    [Fact]
    public void Apply_DuplicateUpdate_RequestError()
    {
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 2));
        state = JoinAll(machine, state, "a", "b");
        state = Contribute(machine, state, "a", TimeSpan.FromSeconds(1));

        StoredTransition transition = machine.Apply(state, new UpdateModelRequested("a", 1, 10), s_t0 + TimeSpan.FromSeconds(2));

        Assert.Equal(RoundRetcode.RequestError, transition.Reply!.Code);
        Assert.Contains("already sent its update", transition.Reply.Reason, StringComparison.Ordinal);
        Assert.Equal(1, transition.State.UpdatesAccepted);
    }

    [Fact]
    public void Apply_UpdateWithDifferentDataSize_RequestError()
    {
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 2));
        state = JoinAll(machine, state, "a", "b");

        StoredTransition transition = machine.Apply(state, new UpdateModelRequested("a", 1, 99), s_t0 + TimeSpan.FromSeconds(1));

        Assert.Equal(RoundRetcode.RequestError, transition.Reply!.Code);
        Assert.Contains("data size 10", transition.Reply.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_UpdateTakesTheLastSlot_AggregatingAndTheUpdateWindowNoLongerApplies()
    {
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 2));
        state = JoinAll(machine, state, "a", "b");
        state = Contribute(machine, state, "a", TimeSpan.FromSeconds(1));

        StoredTransition transition = machine.Apply(state, new UpdateModelRequested("b", 1, 10), s_t0 + TimeSpan.FromSeconds(2));
        StoredTransition afterWindow = machine.Apply(transition.State, new DeadlineCheck(), s_t0 + TimeSpan.FromSeconds(1) + s_updateWindow);

        Assert.Equal(RoundPhase.Aggregating, transition.State.Phase);
        Assert.Equal([new AccumulateUpdate("b", 1, 10, state.Clients["b"].RegisteredAt)], transition.Effects);
        // Every update is accepted and only being added: the global window, not the updateModel one, bounds the wait.
        Assert.Same(transition.State, afterWindow.State);
    }

    [Fact]
    public void Apply_UpdateBeyondUpdateThreshold_OutOfTime()
    {
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 4, ratio: 0.5));
        state = JoinAll(machine, state, "a", "b", "c", "d");
        state = Step(machine, state, new UpdateModelRequested("a", 1, 10), TimeSpan.FromSeconds(1));
        state = Step(machine, state, new UpdateModelRequested("b", 1, 10), TimeSpan.FromSeconds(1));

        StoredTransition transition = machine.Apply(state, new UpdateModelRequested("c", 1, 10), s_t0 + TimeSpan.FromSeconds(1));

        Assert.Equal(2, machine.UpdateModelThreshold);
        Assert.Equal(RoundRetcode.OutOfTime, transition.Reply!.Code);
        Assert.Contains("already has its 2 updates", transition.Reply.Reason, StringComparison.Ordinal);
        // Both updates are accepted and only being added to the sum: the iteration ends in moments, not at its deadline.
        Assert.Equal(s_t0 + TimeSpan.FromSeconds(1.5), transition.Reply.NextRequestTime);
    }

    [Fact]
    public void Apply_UpdateForEndedIterationWhileTheNextTakesParticipants_ToldToJoinItAfterRetryInterval()
    {
        // T_start 3, T_update 2: "a" and "b" end iteration 1 while "c" is still training.
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 3, ratio: 0.6));
        state = JoinAll(machine, state, "a", "b", "c");
        state = Contribute(machine, state, "a", TimeSpan.FromSeconds(1));
        state = Contribute(machine, state, "b", TimeSpan.FromSeconds(1));
        state = Step(machine, state, new AggregationCompleted(1), TimeSpan.FromSeconds(2));

        StoredTransition transition = machine.Apply(state, new UpdateModelRequested("c", 1, 10), s_t0 + TimeSpan.FromSeconds(3));

        Assert.Equal(2, state.Iteration);
        Assert.Equal(RoundPhase.Selecting, state.Phase);
        Assert.Equal(RoundRetcode.OutOfTime, transition.Reply!.Code);
        Assert.Contains("iteration 1, which has ended", transition.Reply.Reason, StringComparison.Ordinal);
        Assert.Contains("iteration 2 still takes participants, send startFLJob again", transition.Reply.Reason, StringComparison.Ordinal);
        // Not the end of iteration 2 (its startFLJob deadline plus the updateModel window, 32 s).
        Assert.Equal(s_t0 + TimeSpan.FromSeconds(3.5), transition.Reply.NextRequestTime);
        Assert.Equal(RoundRetcode.Succeed, machine.Apply(state, new StartFlJobRequested("c", 10), transition.Reply.NextRequestTime!.Value).Reply!.Code);
    }

    [Fact]
    public void Apply_UpdatesReachThresholdBeforeEveryoneJoined_AggregatesAndRefusesLaterJoiners()
    {
        // T_start 3, T_update 2 (MindSpore's rule): updates count as soon as their devices have joined, even while the
        // startFLJob round is still open, and the iteration aggregates when T_update are in.
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 3, ratio: 0.6));
        state = JoinAll(machine, state, "a", "b");
        Assert.Equal(RoundPhase.Selecting, state.Phase);

        state = Contribute(machine, state, "a", TimeSpan.FromSeconds(1));
        StoredTransition second = machine.Apply(state, new UpdateModelRequested("b", 1, 10), s_t0 + TimeSpan.FromSeconds(1));
        state = second.State;
        StoredTransition late = machine.Apply(state, new StartFlJobRequested("c", 10), s_t0 + TimeSpan.FromSeconds(2));

        Assert.Equal(RoundRetcode.Succeed, second.Reply!.Code);
        Assert.Equal(RoundPhase.Aggregating, state.Phase);
        Assert.Equal(2, state.AcceptedCount);
        Assert.Equal(RoundRetcode.OutOfTime, late.Reply!.Code);
        Assert.Equal(s_t0 + TimeSpan.FromSeconds(2.5), late.Reply.NextRequestTime);
    }

    [Fact]
    public void Apply_StartFlJobWhileAggregating_OutOfTimeAfterRetryInterval()
    {
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 2, ratio: 0.5));
        state = JoinAll(machine, state, "a");
        state = Contribute(machine, state, "a", TimeSpan.FromSeconds(1));

        StoredTransition transition = machine.Apply(state, new StartFlJobRequested("b", 10), s_t0 + TimeSpan.FromSeconds(2));

        Assert.Equal(RoundPhase.Aggregating, state.Phase);
        Assert.Equal(RoundRetcode.OutOfTime, transition.Reply!.Code);
        Assert.Equal(s_t0 + TimeSpan.FromSeconds(2) + TimeSpan.FromMilliseconds(500), transition.Reply.NextRequestTime);
    }

    [Fact]
    public void Apply_AggregationCompleted_IterationValidAndNextOpens()
    {
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 1));
        state = JoinAll(machine, state, "a");
        state = Contribute(machine, state, "a", TimeSpan.FromSeconds(1));
        DateTimeOffset now = s_t0 + TimeSpan.FromSeconds(3);

        StoredTransition transition = machine.Apply(state, new AggregationCompleted(1), now);

        Assert.Equal(2, transition.State.Iteration);
        Assert.Equal(1, transition.State.ModelIteration);
        Assert.Equal(now, transition.State.OpenedAt);
        Assert.Empty(transition.State.Clients);
        Assert.Equal(0, transition.State.RegisteredCount);
        IterationOutcome outcome = Assert.Single(transition.State.Outcomes);
        Assert.True(outcome.Valid);
        Assert.Equal(1, outcome.Participants);
        Assert.Contains(new CompleteIteration(outcome), transition.Effects);
        Assert.Contains(new ScheduleTimer(now + s_startWindow), transition.Effects);
    }

    [Fact]
    public void Apply_AggregationFailed_IterationInvalidKeepsModel()
    {
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 1));
        state = JoinAll(machine, state, "a");
        state = Contribute(machine, state, "a", TimeSpan.FromSeconds(1));

        StoredTransition transition = machine.Apply(state, new AggregationFailed(1, "disk full"), s_t0 + TimeSpan.FromSeconds(2));

        Assert.Equal(2, transition.State.Iteration);
        Assert.Equal(0, transition.State.ModelIteration);
        IterationOutcome outcome = Assert.Single(transition.State.Outcomes);
        Assert.False(outcome.Valid);
        Assert.Contains("disk full", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains(new FailIteration(outcome, 1), transition.Effects);
    }

    [Fact]
    public void Apply_UpdateWindowExpiresBelowThreshold_FailsIterationKeepsModel()
    {
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 2));
        state = Step(machine, state, new StartFlJobRequested("a", 10), TimeSpan.FromSeconds(1));
        state = Step(machine, state, new StartFlJobRequested("b", 10), TimeSpan.FromSeconds(2));
        state = Contribute(machine, state, "a", TimeSpan.FromSeconds(3));
        DateTimeOffset deadline = s_t0 + TimeSpan.FromSeconds(2) + s_updateWindow;

        StoredTransition transition = machine.Apply(state, new DeadlineCheck(), deadline);

        IterationOutcome outcome = Assert.Single(transition.State.Outcomes);
        Assert.False(outcome.Valid);
        Assert.Contains("updateModel window", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("1 of 2 updates", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(0, transition.State.ModelIteration);
        Assert.Equal(2, transition.State.Iteration);
        Assert.Equal(deadline, transition.State.OpenedAt);
    }

    [Fact]
    public void Apply_JustBeforeUpdateDeadline_IterationStillOpen()
    {
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 1));
        state = Step(machine, state, new StartFlJobRequested("a", 10), TimeSpan.Zero);

        StoredTransition transition = machine.Apply(state, new DeadlineCheck(), s_t0 + s_updateWindow - TimeSpan.FromMilliseconds(1));

        Assert.Same(state, transition.State);
        Assert.Empty(transition.Effects);
    }

    [Fact]
    public void Apply_StartFlJobWindowExpiresBelowThreshold_FailsIteration()
    {
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 3));
        state = JoinAll(machine, state, "a", "b");

        StoredTransition transition = machine.Apply(state, new DeadlineCheck(), s_t0 + s_startWindow);

        IterationOutcome outcome = Assert.Single(transition.State.Outcomes);
        Assert.False(outcome.Valid);
        Assert.Contains("startFLJob window of 10000 ms", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("2 of 3 clients", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_NoArrivalsUntilStartFlJobDeadline_IterationTimesOut()
    {
        (StoredMachine machine, StoredRound state) = Start(Options());

        StoredTransition transition = machine.Apply(state, new DeadlineCheck(), s_t0 + s_startWindow);

        IterationOutcome outcome = Assert.Single(transition.State.Outcomes);
        Assert.False(outcome.Valid);
        Assert.Contains("0 of 2 clients", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(2, transition.State.Iteration);
        Assert.Contains(new ScheduleTimer(s_t0 + s_startWindow + s_startWindow), transition.Effects);
    }

    [Fact]
    public void Apply_RequestLongAfterSeveralDeadlines_ClosesOnlyTheOpenIterationAndServesNext()
    {
        (StoredMachine machine, StoredRound state) = Start(Options());

        StoredTransition transition = machine.Apply(state, new StartFlJobRequested("a", 10), s_t0 + TimeSpan.FromHours(5));

        Assert.Equal(2, transition.State.Iteration);
        Assert.Equal(RoundRetcode.Succeed, transition.Reply!.Code);
        Assert.Equal(2, transition.Reply.Iteration);
    }

    [Fact]
    public void Apply_GlobalWindowExpiresFirst_FailsIteration()
    {
        RoundOptions options = Options(threshold: 1);
        options.GlobalIterationTimeWindow = TimeSpan.FromMilliseconds(15_000);
        (StoredMachine machine, StoredRound state) = Start(options);
        state = Step(machine, state, new StartFlJobRequested("a", 10), TimeSpan.FromSeconds(1));

        StoredTransition transition = machine.Apply(state, new DeadlineCheck(), s_t0 + TimeSpan.FromMilliseconds(15_000));

        IterationOutcome outcome = Assert.Single(transition.State.Outcomes);
        Assert.False(outcome.Valid);
        Assert.Contains("Global iteration window of 15000 ms", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(2, transition.State.Iteration);
    }

    [Fact]
    public void Apply_GlobalWindowExpiresWhileAggregating_FailsIteration()
    {
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 1));
        state = JoinAll(machine, state, "a");
        state = Contribute(machine, state, "a", TimeSpan.FromSeconds(1));

        StoredTransition transition = machine.Apply(state, new DeadlineCheck(), s_t0 + s_globalWindow);
        StoredTransition late = machine.Apply(transition.State, new AggregationCompleted(1), s_t0 + s_globalWindow);

        Assert.False(Assert.Single(transition.State.Outcomes).Valid);
        Assert.Same(transition.State, late.State);
    }

    [Fact]
    public void Apply_LastIterationEnds_InstanceFinishedAndStillServesQueries()
    {
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 1, iterations: 1));
        state = JoinAll(machine, state, "a");
        state = Contribute(machine, state, "a", TimeSpan.FromSeconds(1));

        StoredTransition finished = machine.Apply(state, new AggregationCompleted(1), s_t0 + TimeSpan.FromSeconds(2));
        RoundReply join = machine.Apply(finished.State, new StartFlJobRequested("b", 10), s_t0 + TimeSpan.FromSeconds(3)).Reply!;
        RoundReply model = machine.Apply(finished.State, new GetModelRequested("a", 1), s_t0 + TimeSpan.FromSeconds(3)).Reply!;
        RoundReply result = machine.Apply(finished.State, new GetResultRequested("a", 1), s_t0 + TimeSpan.FromSeconds(3)).Reply!;

        Assert.Equal(InstanceStatus.Finished, finished.State.Status);
        Assert.Contains(new InstanceFinished(1), finished.Effects);
        Assert.Equal(RoundRetcode.RequestError, join.Code);
        Assert.Contains("finished after iteration 1 of 1", join.Reason, StringComparison.Ordinal);
        Assert.Equal(RoundRetcode.Succeed, model.Code);
        Assert.Equal(RoundRetcode.Succeed, result.Code);
        Assert.True(result.Outcome!.Valid);
    }

    [Fact]
    public void Apply_LastIterationTimesOut_InstanceFinishedWithoutTimers()
    {
        (StoredMachine machine, StoredRound state) = Start(Options(iterations: 1));

        StoredTransition transition = machine.Apply(state, new DeadlineCheck(), s_t0 + s_startWindow);

        Assert.Equal(InstanceStatus.Finished, transition.State.Status);
        Assert.DoesNotContain(transition.Effects, e => e is ScheduleTimer);
        Assert.Null(RoundStateMachine.NextDeadline(transition.State.State));
    }

    [Fact]
    public void Apply_GetResultOfRunningIteration_NotReady()
    {
        (StoredMachine machine, StoredRound state) = Start(Options());
        state = JoinAll(machine, state, "a");

        RoundReply participant = machine.Apply(state, new GetResultRequested("a", 1), s_t0 + TimeSpan.FromSeconds(1)).Reply!;
        RoundReply anonymous = machine.Apply(state, new GetResultRequested(string.Empty, 1), s_t0 + TimeSpan.FromSeconds(1)).Reply!;

        Assert.Equal(RoundRetcode.NotReady, participant.Code);
        Assert.Equal(s_t0 + TimeSpan.FromSeconds(1) + TimeSpan.FromMilliseconds(500), participant.NextRequestTime);
        Assert.Equal(RoundRetcode.NotReady, anonymous.Code);
    }

    [Fact]
    public void Apply_GetResultOfRunningIterationFromANamedStranger_OutOfTimeToRejoin()
    {
        // What a device sees after the server restarted from a checkpoint: it joined (and uploaded) before the crash,
        // and the restarted iteration does not know it.
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 2));
        state = JoinAll(machine, state, "a");

        RoundReply selecting = machine.Apply(state, new GetResultRequested("b", 1), s_t0 + TimeSpan.FromSeconds(1)).Reply!;
        StoredRound training = JoinAll(machine, state, "c");
        RoundReply tooLate = machine.Apply(training, new GetResultRequested("b", 1), s_t0 + TimeSpan.FromSeconds(1)).Reply!;

        Assert.Equal(RoundRetcode.OutOfTime, selecting.Code);
        Assert.Equal(s_t0 + TimeSpan.FromSeconds(1.5), selecting.NextRequestTime);
        Assert.Contains("send startFLJob again", selecting.Reason, StringComparison.Ordinal);
        Assert.Equal(RoundRetcode.OutOfTime, tooLate.Code);
        Assert.Contains("start over with the next iteration", tooLate.Reason, StringComparison.Ordinal);
        Assert.True(tooLate.NextRequestTime > s_t0 + TimeSpan.FromSeconds(1.5));
    }

    [Fact]
    public void Apply_GetResultOfValidIteration_ReportsValid()
    {
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 1));
        state = JoinAll(machine, state, "a");
        state = Contribute(machine, state, "a", TimeSpan.FromSeconds(1));
        state = Step(machine, state, new AggregationCompleted(1), TimeSpan.FromSeconds(2));

        RoundReply reply = machine.Apply(state, new GetResultRequested("a", 1), s_t0 + TimeSpan.FromSeconds(3)).Reply!;

        Assert.Equal(RoundRetcode.Succeed, reply.Code);
        Assert.True(reply.Outcome!.Valid);
        Assert.StartsWith("Iteration 1 was valid", reply.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_GetResultOfFailedIteration_ReportsInvalidWithReason()
    {
        (StoredMachine machine, StoredRound state) = Start(Options());
        state = Step(machine, state, new DeadlineCheck(), s_startWindow);

        RoundReply reply = machine.Apply(state, new GetResultRequested("a", 1), s_t0 + s_startWindow).Reply!;

        Assert.Equal(RoundRetcode.Succeed, reply.Code);
        Assert.False(reply.Outcome!.Valid);
        Assert.Contains("invalid; the previous model was kept", reply.Reason, StringComparison.Ordinal);
        Assert.Contains("startFLJob window", reply.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_GetResultOfFutureIteration_RequestError()
    {
        (StoredMachine machine, StoredRound state) = Start(Options());

        RoundReply reply = machine.Apply(state, new GetResultRequested("a", 5), s_t0).Reply!;

        Assert.Equal(RoundRetcode.RequestError, reply.Code);
    }

    [Fact]
    public void Apply_GetModelDuringIteration_NotReady()
    {
        (StoredMachine machine, StoredRound state) = Start(Options());

        RoundReply reply = machine.Apply(state, new GetModelRequested("a", 1), s_t0).Reply!;

        Assert.Equal(RoundRetcode.NotReady, reply.Code);
    }

    [Fact]
    public void Apply_UpdateAbandonedAfterTakingTheLastSlot_TrainingAgain()
    {
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 1));
        state = JoinAll(machine, state, "a");
        state = Step(machine, state, new UpdateModelRequested("a", 1, 10), TimeSpan.FromSeconds(1));

        StoredTransition abandoned = machine.Apply(state, new UpdateAbandoned("a", 1), s_t0 + TimeSpan.FromSeconds(1));

        Assert.Equal(RoundPhase.Aggregating, state.Phase);
        Assert.Equal(RoundPhase.Training, abandoned.State.Phase);
        Assert.Equal(0, abandoned.State.UpdatesAccepted);
    }

    [Fact]
    public void Apply_StaleUpdateAbandoned_Ignored()
    {
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 2));
        state = JoinAll(machine, state, "a", "b");
        state = Step(machine, state, new UpdateModelRequested("a", 1, 10), TimeSpan.FromSeconds(1));
        state = Step(machine, state, new DeadlineCheck(), TimeSpan.FromMilliseconds(100) + s_updateWindow);

        StoredTransition transition = machine.Apply(state, new UpdateAbandoned("a", 1), s_t0 + s_updateWindow + TimeSpan.FromSeconds(1));

        Assert.Equal(2, state.Iteration);
        Assert.Same(state, transition.State);
        Assert.Empty(transition.Effects);
    }

    [Fact]
    public void Apply_UpdateAbandoned_FreesSlotForResend()
    {
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 1));
        state = JoinAll(machine, state, "a");
        state = Step(machine, state, new UpdateModelRequested("a", 1, 10), TimeSpan.FromSeconds(1));

        StoredRound abandoned = machine.Apply(state, new UpdateAbandoned("a", 1), s_t0 + TimeSpan.FromSeconds(1)).State;
        StoredTransition resend = machine.Apply(abandoned, new UpdateModelRequested("a", 1, 10), s_t0 + TimeSpan.FromSeconds(2));

        Assert.Equal(0, abandoned.UpdatesAccepted);
        Assert.Equal(ParticipationStatus.Joined, abandoned.Clients["a"].Status);
        Assert.Equal(RoundRetcode.Succeed, resend.Reply!.Code);
    }

    [Fact]
    public void Apply_FailuresInARow_CountedAndResetByValidIteration()
    {
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 1, iterations: 5));
        state = Step(machine, state, new DeadlineCheck(), s_startWindow);
        state = Step(machine, state, new DeadlineCheck(), s_startWindow * 2);
        int failuresBefore = state.ConsecutiveFailures;
        state = Step(machine, state, new StartFlJobRequested("a", 10), s_startWindow * 2);
        state = Contribute(machine, state, "a", s_startWindow * 2);

        StoredTransition transition = machine.Apply(state, new AggregationCompleted(3), s_t0 + (s_startWindow * 2));

        Assert.Equal(2, failuresBefore);
        Assert.Equal(0, transition.State.ConsecutiveFailures);
    }

    [Fact]
    public void Apply_RandomSamplingDuringWindow_CandidateToldToComeBackAtDraw()
    {
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 2, sampling: ClientSampling.Random));

        StoredTransition transition = machine.Apply(state, new StartFlJobRequested("a", 10), s_t0 + TimeSpan.FromSeconds(1));
        RoundReply again = machine.Apply(transition.State, new StartFlJobRequested("a", 10), s_t0 + TimeSpan.FromSeconds(2)).Reply!;

        Assert.Equal(RoundRetcode.NotReady, transition.Reply!.Code);
        Assert.Equal(s_t0 + s_startWindow, transition.Reply.NextRequestTime);
        Assert.Equal(ParticipationStatus.Candidate, transition.State.Clients["a"].Status);
        Assert.Equal(RoundRetcode.NotReady, again.Code);
    }

    [Fact]
    public void Apply_RandomSamplingDraw_SelectsThresholdAndAnswersEveryCandidate()
    {
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 3, sampling: ClientSampling.Random));
        string[] candidates = ["c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"];
        state = JoinAll(machine, state, candidates);

        StoredTransition drawn = machine.Apply(state, new DeadlineCheck(), s_t0 + s_startWindow);
        string[] selected = [.. drawn.State.Clients.Values.Where(c => c.Status == ParticipationStatus.Selected).Select(c => c.ClientId)];
        string loser = candidates.First(c => !selected.Contains(c));
        RoundReply winnerReply = machine.Apply(drawn.State, new StartFlJobRequested(selected[0], 10), s_t0 + s_startWindow).Reply!;
        RoundReply loserReply = machine.Apply(drawn.State, new StartFlJobRequested(loser, 10), s_t0 + s_startWindow).Reply!;
        RoundReply newcomer = machine.Apply(drawn.State, new StartFlJobRequested("late", 10), s_t0 + s_startWindow).Reply!;

        Assert.Equal(RoundPhase.Training, drawn.State.Phase);
        Assert.Equal(3, selected.Length);
        Assert.Equal(s_t0 + s_startWindow + s_updateWindow, drawn.State.UpdateModelDeadline);
        Assert.Equal(RoundRetcode.Succeed, winnerReply.Code);
        Assert.Equal(RoundRetcode.OutOfTime, loserReply.Code);
        Assert.Contains("not drawn", loserReply.Reason, StringComparison.Ordinal);
        Assert.Equal(RoundRetcode.OutOfTime, newcomer.Code);
    }

    [Fact]
    public void Apply_RandomSamplingSameSeedAnyArrivalOrder_SameParticipants()
    {
        string[] candidates = [.. Enumerable.Range(0, 20).Select(i => $"device-{i:D2}")];
        (StoredMachine first, StoredRound firstState) = Start(Options(threshold: 5, sampling: ClientSampling.Random, seed: 42));
        (StoredMachine second, StoredRound secondState) = Start(Options(threshold: 5, sampling: ClientSampling.Random, seed: 42));

        StoredRound a = first.Apply(JoinAll(first, firstState, candidates), new DeadlineCheck(), s_t0 + s_startWindow).State;
        StoredRound b = second.Apply(JoinAll(second, secondState, [.. candidates.Reverse()]), new DeadlineCheck(), s_t0 + s_startWindow).State;

        Assert.Equal(Selected(a), Selected(b));
        Assert.Equal(5, Selected(a).Length);
    }

    [Fact]
    public void Apply_RandomSamplingDifferentSeeds_DrawDifferentParticipants()
    {
        string[] candidates = [.. Enumerable.Range(0, 20).Select(i => $"device-{i:D2}")];
        var draws = new HashSet<string>();

        for (int seed = 0; seed < 5; seed++)
        {
            (StoredMachine machine, StoredRound state) = Start(Options(threshold: 5, sampling: ClientSampling.Random, seed: seed));
            StoredRound drawn = machine.Apply(JoinAll(machine, state, candidates), new DeadlineCheck(), s_t0 + s_startWindow).State;
            draws.Add(string.Join(",", Selected(drawn)));
        }

        Assert.True(draws.Count > 1, "Five seeds drew the same five of twenty participants; the seed is not used.");
    }

    [Fact]
    public void Apply_RandomSamplingTooFewCandidates_FailsIteration()
    {
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 3, sampling: ClientSampling.Random));
        state = JoinAll(machine, state, "a", "b");

        StoredTransition transition = machine.Apply(state, new DeadlineCheck(), s_t0 + s_startWindow);

        IterationOutcome outcome = Assert.Single(transition.State.Outcomes);
        Assert.False(outcome.Valid);
        Assert.Contains("2 candidates for a random draw of 3", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_RandomSamplingCandidateUpdatesBeforeDraw_OutOfTime()
    {
        (StoredMachine machine, StoredRound state) = Start(Options(threshold: 1, sampling: ClientSampling.Random));
        state = JoinAll(machine, state, "a");

        RoundReply reply = machine.Apply(state, new UpdateModelRequested("a", 1, 10), s_t0 + TimeSpan.FromSeconds(1)).Reply!;

        Assert.Equal(RoundRetcode.OutOfTime, reply.Code);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsNamingEveryOption()
    {
        var options = new RoundOptions { StartFlJobThreshold = 0, UpdateModelRatio = 1.5, StartFlJobTimeWindow = TimeSpan.Zero };

        ArgumentException error = Assert.Throws<ArgumentException>(() => new StoredMachine(options));

        Assert.Contains("StartFlJobThreshold is 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("UpdateModelRatio is 1.5; it must be in (0, 1]", error.Message, StringComparison.Ordinal);
        Assert.Contains("StartFlJobTimeWindow is 0 ms", error.Message, StringComparison.Ordinal);
    }

    private static string[] Selected(StoredRound state)
        => [.. state.Clients.Values.Where(c => c.Status == ParticipationStatus.Selected).Select(c => c.ClientId).Order(StringComparer.Ordinal)];

    [Fact]
    public void Apply_DrawDueWithoutEveryRegistration_ThrowsNamingTheFix()
    {
        var machine = new RoundStateMachine(Options(threshold: 2, sampling: ClientSampling.Random));
        RoundState state = machine.Open(1, 0, s_t0).State;

        ArgumentException error = Assert.Throws<ArgumentException>(() => machine.Apply(state, new DeadlineCheck(), s_t0 + s_startWindow));

        Assert.True(machine.DrawIsDue(state, s_t0 + s_startWindow));
        Assert.False(machine.DrawIsDue(state, s_t0 + s_startWindow - TimeSpan.FromMilliseconds(1)));
        Assert.Contains("GetRegistrationsAsync", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_SnapshotCarriesAnotherClientsRegistration_Throws()
    {
        var machine = new RoundStateMachine(Options());
        RoundState state = machine.Open(1, 0, s_t0).State;
        var registration = new ClientRegistration("b", 1, 10, s_t0, ParticipationStatus.Joined);

        Assert.Throws<ArgumentException>(() => machine.Apply(new RoundSnapshot(state, registration), new UpdateModelRequested("a", 1, 10), s_t0));
    }

    [Fact]
    public void Apply_SamplingTargetReached_DrawsAtOnceAndAnswersTheLastCandidate()
    {
        RoundOptions options = Options(threshold: 2, sampling: ClientSampling.Random);
        options.SamplingTarget = 3;
        (StoredMachine machine, StoredRound state) = Start(options);
        DateTimeOffset at = s_t0 + TimeSpan.FromSeconds(1);

        StoredTransition first = machine.Apply(state, new StartFlJobRequested("a", 10), at);
        state = machine.Apply(first.State, new StartFlJobRequested("b", 10), at).State;
        StoredTransition last = machine.Apply(state, new StartFlJobRequested("c", 10), at);

        // Before the target: asked to poll after one retry interval, not at the deadline 10 s away.
        Assert.Equal(RoundRetcode.NotReady, first.Reply!.Code);
        Assert.Equal(at + TimeSpan.FromMilliseconds(500), first.Reply.NextRequestTime);
        Assert.Equal(RoundPhase.Training, last.State.Phase);
        Assert.Equal(at + s_updateWindow, last.State.UpdateModelDeadline);
        Assert.Equal(2, last.State.Clients.Values.Count(r => r.Status is ParticipationStatus.Selected or ParticipationStatus.Joined));
        Assert.Equal(ParticipationStatus.NotSelected, Assert.Single(last.State.Clients.Values, r => r.Status == ParticipationStatus.NotSelected).Status);
        bool lastDrawn = last.State.Clients["c"].Status == ParticipationStatus.Joined;
        Assert.Equal(lastDrawn ? RoundRetcode.Succeed : RoundRetcode.OutOfTime, last.Reply!.Code);
    }

    [Fact]
    public void Apply_SamplingTarget_SameCandidatesInAnyOrder_SameParticipants()
    {
        RoundOptions options = Options(threshold: 3, sampling: ClientSampling.Random, seed: 9);
        options.SamplingTarget = 6;
        string[] candidates = ["d0", "d1", "d2", "d3", "d4", "d5"];
        (StoredMachine machine, StoredRound forward) = Start(options);
        (_, StoredRound backward) = Start(options);

        forward = JoinAll(machine, forward, candidates);
        backward = JoinAll(machine, backward, [.. candidates.Reverse()]);

        string[] Chosen(StoredRound round) => [.. round.Clients.Values.Where(r => r.Status is ParticipationStatus.Selected or ParticipationStatus.Joined).Select(r => r.ClientId).Order(StringComparer.Ordinal)];
        Assert.Equal(3, Chosen(forward).Length);
        Assert.Equal(Chosen(forward), Chosen(backward));
    }

    [Fact]
    public void Options_SamplingTargetBelowThresholdOrWithFirstCome_Refused()
    {
        RoundOptions below = Options(threshold: 3, sampling: ClientSampling.Random);
        below.SamplingTarget = 2;
        RoundOptions firstCome = Options(threshold: 3);
        firstCome.SamplingTarget = 5;

        Assert.Throws<ArgumentException>(() => new RoundStateMachine(below));
        Assert.Contains("SamplingTarget is 5", Assert.Throws<ArgumentException>(() => new RoundStateMachine(firstCome)).Message, StringComparison.Ordinal);
    }
}
