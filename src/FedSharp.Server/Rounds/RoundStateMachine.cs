using System.Collections.Immutable;

namespace FedSharp.Server.Rounds;

/// <summary>
/// The rules of a federated learning instance as a pure function: <see cref="Apply"/> takes a state, an event and
/// the time, and returns the next state, the effects to run and the reply. No I/O, no clock, no shared randomness,
/// so every rule is tested on plain values and every server reaches the same decision from the same inputs.
/// </summary>
/// <remarks>
/// Semantics follow MindSpore Federated (startFLJob threshold and window, updateModel ratio and window, global
/// window, a failed iteration keeps the previous model, <c>fl_iteration_num</c> attempts then finished) with these
/// deliberate differences: windows open when their phase opens, so an iteration nobody joins still fails on time;
/// deadlines have millisecond resolution; an ended iteration's validity and reason are kept for getResult; an
/// update counts toward the threshold only once it is in the running sum; random sampling is available.
/// Every event first closes whatever windows the given time has passed, so a late timer or a server without
/// timers still enforces them.
/// </remarks>
public sealed partial class RoundStateMachine
{
    /// <summary>
    /// How many of the newest iterations' outcomes the state keeps for getResult; older ones are dropped, so the state
    /// that every request rewrites does not grow with the length of the job. Devices ask about the iteration they were
    /// in, which is at most a few iterations back.
    /// </summary>
    public const int OutcomeHistory = 100;

    private readonly int _startThreshold;
    private readonly int _updateThreshold;
    private readonly TimeSpan _startWindow;
    private readonly TimeSpan _updateWindow;
    private readonly TimeSpan _globalWindow;
    private readonly TimeSpan _retryInterval;
    private readonly int _iterationCount;
    private readonly ClientSampling _sampling;
    private readonly int _samplingSeed;

    /// <summary>Copies the options' values; later changes to <paramref name="options"/> do not affect this machine.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public RoundStateMachine(RoundOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        _startThreshold = options.StartFlJobThreshold;
        _updateThreshold = options.UpdateModelThreshold;
        _startWindow = options.StartFlJobTimeWindow;
        _updateWindow = options.UpdateModelTimeWindow;
        _globalWindow = options.GlobalIterationTimeWindow;
        _retryInterval = options.RetryInterval;
        _iterationCount = options.FlIterationNum;
        _sampling = options.ClientSampling;
        _samplingSeed = options.SamplingSeed;
    }

    /// <summary>T_start, the number of participants an iteration needs.</summary>
    public int StartFlJobThreshold => _startThreshold;

    /// <summary>T_update = ceil(T_start × update_model_ratio), the updates that trigger aggregation.</summary>
    public int UpdateModelThreshold => _updateThreshold;

    /// <summary>
    /// The first state of an instance: <paramref name="iteration"/> opens at <paramref name="now"/> with the model of
    /// <paramref name="modelIteration"/>, or the instance is already finished when <paramref name="iteration"/> is past
    /// <see cref="RoundOptions.FlIterationNum"/> (a resume after the last iteration).
    /// </summary>
    /// <param name="iteration">The iteration to open, from 1.</param>
    /// <param name="modelIteration">The iteration that produced the current model; 0 for the initial model.</param>
    /// <param name="now">The clock's time.</param>
    /// <param name="restored">
    /// On a resume, how iteration <paramref name="iteration"/> − 1 ended (the checkpoint's iteration), so devices that
    /// took part in it before the restart can still ask getResult about it; null for a fresh instance.
    /// </param>
    public RoundTransition Open(int iteration, int modelIteration, DateTimeOffset now, IterationOutcome? restored = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iteration, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(modelIteration);
        if (restored is not null && restored.Iteration != iteration - 1)
        {
            throw new ArgumentException($"The restored outcome is of iteration {restored.Iteration}; opening iteration {iteration} keeps only the outcome of iteration {iteration - 1}.", nameof(restored));
        }

        var effects = new List<RoundEffect>();
        var empty = new RoundState
        {
            Version = 0,
            Iteration = iteration,
            Status = InstanceStatus.Running,
            Phase = RoundPhase.Selecting,
            OpenedAt = now,
            StartFlJobDeadline = now,
            GlobalDeadline = now,
            Clients = ImmutableDictionary.Create<string, ClientRegistration>(StringComparer.Ordinal),
            ModelIteration = modelIteration,
            Outcomes = restored is null ? [] : [restored],
        };
        if (iteration > _iterationCount)
        {
            effects.Add(new InstanceFinished(iteration - 1));
            return new RoundTransition(empty with { Iteration = iteration - 1, Status = InstanceStatus.Finished, Phase = RoundPhase.Closed }, effects, null);
        }

        return new RoundTransition(OpenIteration(empty, iteration, now, effects), effects, null);
    }

    /// <summary>Applies <paramref name="event"/> at <paramref name="now"/> to <paramref name="state"/>.</summary>
    public RoundTransition Apply(RoundState state, RoundEvent @event, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(@event);
        var effects = new List<RoundEffect>();
        RoundState current = CloseExpiredWindows(state, now, effects);
        (RoundState next, RoundReply? reply) = @event switch
        {
            StartFlJobRequested e => OnStartFlJob(current, e, now, effects),
            UpdateModelRequested e => OnUpdateModel(current, e, now, effects),
            UpdateAccumulated e => (OnUpdateAccumulated(current, e, effects), null),
            UpdateAbandoned e => (OnUpdateAbandoned(current, e), null),
            AggregationCompleted e => (OnAggregationCompleted(current, e, now, effects), null),
            AggregationFailed e => (OnAggregationFailed(current, e, now, effects), null),
            GetResultRequested e => (current, OnGetResult(current, e, now)),
            GetModelRequested e => (current, OnGetModel(current, e, now)),
            DeadlineCheck => (current, null),
            _ => throw new ArgumentException($"Event {@event.GetType().Name} is not a round event this machine knows; add a case to {nameof(Apply)}.", nameof(@event)),
        };
        return new RoundTransition(next, effects, reply);
    }

    /// <summary>The earliest open deadline of <paramref name="state"/>, or null when the instance is finished.</summary>
    public static DateTimeOffset? NextDeadline(RoundState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Status != InstanceStatus.Running)
        {
            return null;
        }

        DateTimeOffset? phase = state.Phase switch
        {
            RoundPhase.Selecting => state.StartFlJobDeadline,
            RoundPhase.Training => state.UpdateModelDeadline,
            _ => null,
        };
        return phase is { } p && p < state.GlobalDeadline ? p : state.GlobalDeadline;
    }

    private RoundState CloseExpiredWindows(RoundState state, DateTimeOffset now, List<RoundEffect> effects)
    {
        // Each pass closes at most one window, the earliest passed; a random draw can open the updateModel window,
        // and a failure opens the next iteration at `now`, whose windows are all in the future.
        while (state.Status == InstanceStatus.Running)
        {
            DateTimeOffset? phaseDeadline = state.Phase switch
            {
                RoundPhase.Selecting => state.StartFlJobDeadline,
                RoundPhase.Training => state.UpdateModelDeadline,
                _ => null,
            };
            if (phaseDeadline is { } deadline && deadline <= now && deadline < state.GlobalDeadline)
            {
                state = state.Phase == RoundPhase.Selecting
                    ? CloseStartFlJobRound(state, deadline, now, effects)
                    : Fail(
                        state,
                        $"updateModel window of {_updateWindow.TotalMilliseconds} ms closed at {deadline:O} with {state.UpdatesAccumulated} of {_updateThreshold} updates in iteration {state.Iteration}.",
                        now,
                        effects);
                continue;
            }

            if (state.GlobalDeadline <= now)
            {
                state = Fail(
                    state,
                    $"Global iteration window of {_globalWindow.TotalMilliseconds} ms closed at {state.GlobalDeadline:O} in phase {state.Phase} of iteration {state.Iteration} ({state.AcceptedCount} of {_startThreshold} participants, {state.UpdatesAccumulated} of {_updateThreshold} updates).",
                    now,
                    effects);
                continue;
            }

            break;
        }

        return state;
    }

    private RoundState CloseStartFlJobRound(RoundState state, DateTimeOffset deadline, DateTimeOffset now, List<RoundEffect> effects)
    {
        if (_sampling == ClientSampling.FirstCome)
        {
            return Fail(
                state,
                $"startFLJob window of {_startWindow.TotalMilliseconds} ms closed at {deadline:O} with {state.AcceptedCount} of {_startThreshold} clients in iteration {state.Iteration}.",
                now,
                effects);
        }

        string[] candidates = [.. state.Clients.Values.Where(c => c.Status == ParticipationStatus.Candidate).Select(c => c.ClientId).Order(StringComparer.Ordinal)];
        if (candidates.Length < _startThreshold)
        {
            return Fail(
                state,
                $"startFLJob window of {_startWindow.TotalMilliseconds} ms closed at {deadline:O} with {candidates.Length} candidates for a random draw of {_startThreshold} in iteration {state.Iteration}.",
                now,
                effects);
        }

        HashSet<string> selected = DrawParticipants(candidates, state.Iteration);
        ImmutableDictionary<string, ClientRegistration>.Builder clients = state.Clients.ToBuilder();
        foreach (string id in candidates)
        {
            clients[id] = clients[id] with { Status = selected.Contains(id) ? ParticipationStatus.Selected : ParticipationStatus.NotSelected };
        }

        // The draw happens at the deadline, not when it is noticed, so every server computes the same update deadline.
        DateTimeOffset updateDeadline = deadline + _updateWindow;
        effects.Add(new ScheduleTimer(updateDeadline));
        return state with
        {
            Phase = RoundPhase.Training,
            Clients = clients.ToImmutable(),
            AcceptedCount = selected.Count,
            UpdateModelDeadline = updateDeadline,
        };
    }

    /// <summary>
    /// A uniform draw of T_start ids without replacement: a partial Fisher–Yates shuffle of the id-sorted candidates
    /// driven by <see cref="Random"/> seeded from the configured seed and the iteration, so it is reproducible.
    /// </summary>
    private HashSet<string> DrawParticipants(string[] sortedCandidates, int iteration)
    {
        // Seeded System.Random uses the same legacy algorithm on every runtime, which keeps draws reproducible.
        var random = new Random(unchecked((_samplingSeed * 1_000_003) ^ iteration));
        string[] pool = (string[])sortedCandidates.Clone();
        for (int i = 0; i < _startThreshold; i++)
        {
            int j = random.Next(i, pool.Length);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }

        return new HashSet<string>(pool.Take(_startThreshold), StringComparer.Ordinal);
    }

    private RoundState Fail(RoundState state, string reason, DateTimeOffset now, List<RoundEffect> effects)
    {
        var outcome = new IterationOutcome(state.Iteration, false, reason, state.OpenedAt, now, state.UpdatesAccumulated);
        int failures = state.ConsecutiveFailures + 1;
        effects.Add(new FailIteration(outcome, failures));
        return CloseIteration(state with { ConsecutiveFailures = failures }, outcome, now, effects);
    }

    private RoundState CloseIteration(RoundState state, IterationOutcome outcome, DateTimeOffset now, List<RoundEffect> effects)
    {
        ImmutableList<IterationOutcome> outcomes = state.Outcomes.Add(outcome);
        if (outcomes.Count > OutcomeHistory)
        {
            // The state is rewritten by every request (and will travel to a shared store), so it must not grow with
            // the job's length: only the newest outcomes are kept for getResult.
            outcomes = outcomes.RemoveRange(0, outcomes.Count - OutcomeHistory);
        }

        RoundState closed = state with { Outcomes = outcomes };
        if (state.Iteration >= _iterationCount)
        {
            effects.Add(new InstanceFinished(state.Iteration));
            return closed with
            {
                Status = InstanceStatus.Finished,
                Phase = RoundPhase.Closed,
                Clients = closed.Clients.Clear(),
                UpdateModelDeadline = null,
            };
        }

        return OpenIteration(closed, state.Iteration + 1, now, effects);
    }

    private RoundState OpenIteration(RoundState state, int iteration, DateTimeOffset now, List<RoundEffect> effects)
    {
        DateTimeOffset startDeadline = now + _startWindow;
        DateTimeOffset globalDeadline = now + _globalWindow;
        effects.Add(new ScheduleTimer(startDeadline));
        effects.Add(new ScheduleTimer(globalDeadline));
        return state with
        {
            Iteration = iteration,
            Status = InstanceStatus.Running,
            Phase = RoundPhase.Selecting,
            OpenedAt = now,
            StartFlJobDeadline = startDeadline,
            UpdateModelDeadline = null,
            GlobalDeadline = globalDeadline,
            Clients = state.Clients.Clear(),
            AcceptedCount = 0,
            UpdatesAccepted = 0,
            UpdatesAccumulated = 0,
        };
    }

    /// <summary>
    /// When a client turned away should start over: the latest moment the current iteration can still be running
    /// (MindSpore's <c>next_req_time</c> is likewise an upper bound), or one retry interval while aggregating.
    /// </summary>
    private DateTimeOffset NextIterationEstimate(RoundState state, DateTimeOffset now)
    {
        DateTimeOffset phaseEnd = state.Phase switch
        {
            // Every update it needs is accepted and only being added to the sum: the iteration ends in moments.
            _ when state.UpdatesAccepted >= _updateThreshold => now + _retryInterval,
            RoundPhase.Selecting => state.StartFlJobDeadline + _updateWindow,
            RoundPhase.Training => state.UpdateModelDeadline ?? state.GlobalDeadline,
            _ => now + _retryInterval,
        };
        return phaseEnd < state.GlobalDeadline ? phaseEnd : state.GlobalDeadline;
    }
}
