using System.Collections.Immutable;

namespace FedSharp.Server.Rounds;

/// <summary>
/// The rules of a federated learning instance as a pure function: <see cref="Apply(RoundSnapshot, RoundEvent, DateTimeOffset, IReadOnlyList{ClientRegistration}?)"/>
/// takes a state with the asking client's registration, an event and the time, and returns the next state, the
/// registrations to write, the effects to run and the reply. No I/O, no clock, no shared randomness,
/// so every rule is tested on plain values and every server reaches the same decision from the same inputs.
/// </summary>
/// <remarks>
/// Semantics follow MindSpore Federated (startFLJob threshold and window, updateModel ratio and window, global
/// window, a failed iteration keeps the previous model, <c>fl_iteration_num</c> attempts then finished) with these
/// deliberate differences: windows open when their phase opens, so an iteration nobody joins still fails on time;
/// deadlines have millisecond resolution; an ended iteration's validity and reason are kept for getResult; an
/// accepted update holds one of the threshold's slots, and the iteration is aggregated only once every accepted
/// update is in the running sum; random sampling is available.
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
    private readonly int _samplingTarget;

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
        _samplingTarget = options.SamplingTarget;
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

        var step = new Step(null, null);
        var empty = new RoundState
        {
            Version = 0,
            Iteration = iteration,
            Status = InstanceStatus.Running,
            Phase = RoundPhase.Selecting,
            OpenedAt = now,
            StartFlJobDeadline = now,
            GlobalDeadline = now,
            ModelIteration = modelIteration,
            Outcomes = restored is null ? [] : [restored],
        };
        if (iteration > _iterationCount)
        {
            step.Effects.Add(new InstanceFinished(iteration - 1));
            return step.Finish(empty with { Iteration = iteration - 1, Status = InstanceStatus.Finished, Phase = RoundPhase.Closed }, empty, null);
        }

        return step.Finish(OpenIteration(empty, iteration, now, step), empty, null);
    }

    /// <summary>Applies <paramref name="event"/> at <paramref name="now"/> to <paramref name="state"/>, for an event that concerns no client's registration.</summary>
    public RoundTransition Apply(RoundState state, RoundEvent @event, DateTimeOffset now)
        => Apply(new RoundSnapshot(state, null), @event, now);

    /// <summary>
    /// Applies <paramref name="event"/> at <paramref name="now"/> to the state of <paramref name="snapshot"/>, whose
    /// registration must be that of the event's client (read with the state).
    /// </summary>
    /// <param name="snapshot">The state and the asking client's registration in its iteration.</param>
    /// <param name="event">What happened.</param>
    /// <param name="now">The clock's time.</param>
    /// <param name="registrations">
    /// Every registration of the state's iteration; needed only when <see cref="DrawIsDue"/> says a random draw is due,
    /// because the draw chooses among all candidates.
    /// </param>
    /// <exception cref="ArgumentException">A draw is due and <paramref name="registrations"/> is null, or the registration is another client's.</exception>
    public RoundTransition Apply(RoundSnapshot snapshot, RoundEvent @event, DateTimeOffset now, IReadOnlyList<ClientRegistration>? registrations = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(@event);
        RoundState state = snapshot.State;
        if (DrawIsDue(state, now) && registrations is null)
        {
            throw new ArgumentException($"The random draw of iteration {state.Iteration} is due at {now:O}; pass every registration of the iteration (IRoundStore.GetRegistrationsAsync).", nameof(registrations));
        }

        ClientRegistration? registration = snapshot.Registration;
        if (registration is not null && (registration.ClientId != ClientOf(@event) || registration.Iteration != state.Iteration))
        {
            throw new ArgumentException($"The snapshot carries the registration of client '{registration.ClientId}' in iteration {registration.Iteration}, not that of the event's client in iteration {state.Iteration}.", nameof(snapshot));
        }

        var step = new Step(registration, registrations);
        RoundState current = CloseExpiredWindows(state, now, step);
        (RoundState next, RoundReply? reply) = @event switch
        {
            StartFlJobRequested e => OnStartFlJob(current, e, now, step),
            UpdateModelRequested e => OnUpdateModel(current, e, now, step),
            UpdateAbandoned e => (OnUpdateAbandoned(current, e, step), null),
            AggregationCompleted e => (OnAggregationCompleted(current, e, now, step), null),
            AggregationFailed e => (OnAggregationFailed(current, e, now, step), null),
            GetResultRequested e => (current, OnGetResult(current, e, now, step)),
            GetModelRequested e => (current, OnGetModel(current, e, now)),
            DeadlineCheck => (current, null),
            _ => throw new ArgumentException($"Event {@event.GetType().Name} is not a round event this machine knows; add a case to {nameof(Apply)}.", nameof(@event)),
        };
        return step.Finish(next, state, reply);
    }

    /// <summary>
    /// True when applying an event to <paramref name="state"/> at <paramref name="now"/> makes the random draw, which
    /// chooses among every candidate: the caller must then read all registrations of the iteration.
    /// </summary>
    public bool DrawIsDue(RoundState state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        // With a sampling target the draw is also due when the next candidate can reach it; the read is then made
        // for a request that turns out not to add a candidate at most once per candidate short of the target.
        return _sampling == ClientSampling.Random
            && state.Status == InstanceStatus.Running
            && state.Phase == RoundPhase.Selecting
            && ((state.StartFlJobDeadline <= now && state.StartFlJobDeadline < state.GlobalDeadline)
                || (_samplingTarget > 0 && state.RegisteredCount + 1 >= _samplingTarget));
    }

    /// <summary>The client whose registration <paramref name="event"/> reads, or null when it reads none.</summary>
    public static string? ClientOf(RoundEvent @event) => @event switch
    {
        StartFlJobRequested e => e.ClientId,
        UpdateModelRequested e => e.ClientId,
        UpdateAbandoned e => e.ClientId,
        GetResultRequested e when !string.IsNullOrEmpty(e.ClientId) => e.ClientId,
        _ => null,
    };

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

    private RoundState CloseExpiredWindows(RoundState state, DateTimeOffset now, Step step)
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
                    ? CloseStartFlJobRound(state, deadline, now, step)
                    : Fail(
                        state,
                        $"updateModel window of {_updateWindow.TotalMilliseconds} ms closed at {deadline:O} with {state.UpdatesAccepted} of {_updateThreshold} updates in iteration {state.Iteration}.",
                        now,
                        step);
                continue;
            }

            if (state.GlobalDeadline <= now)
            {
                state = Fail(
                    state,
                    $"Global iteration window of {_globalWindow.TotalMilliseconds} ms closed at {state.GlobalDeadline:O} in phase {state.Phase} of iteration {state.Iteration} ({state.AcceptedCount} of {_startThreshold} participants, {state.UpdatesAccepted} of {_updateThreshold} updates).",
                    now,
                    step);
                continue;
            }

            break;
        }

        return state;
    }

    private RoundState CloseStartFlJobRound(RoundState state, DateTimeOffset deadline, DateTimeOffset now, Step step)
    {
        if (_sampling == ClientSampling.FirstCome)
        {
            return Fail(
                state,
                $"startFLJob window of {_startWindow.TotalMilliseconds} ms closed at {deadline:O} with {state.AcceptedCount} of {_startThreshold} clients in iteration {state.Iteration}.",
                now,
                step);
        }

        // Registrations written earlier in this transition are newer than the ones read; none can be a candidate's,
        // since a candidate registers only while no draw is due.
        ClientRegistration[] candidates = Candidates(state, step, null);
        if (candidates.Length < _startThreshold)
        {
            return Fail(
                state,
                $"startFLJob window of {_startWindow.TotalMilliseconds} ms closed at {deadline:O} with {candidates.Length} candidates for a random draw of {_startThreshold} in iteration {state.Iteration}.",
                now,
                step);
        }

        // The draw happens at the deadline, not when it is noticed, so every server computes the same update deadline.
        return Draw(state, candidates, deadline, step);
    }

    /// <summary>The candidates of the state's iteration among the registrations read for the draw, plus <paramref name="newcomer"/>.</summary>
    private static ClientRegistration[] Candidates(RoundState state, Step step, ClientRegistration? newcomer)
    {
        IEnumerable<ClientRegistration> read = step.Registrations!.Where(c => c.Iteration == state.Iteration && c.Status == ParticipationStatus.Candidate);
        return [.. (newcomer is null ? read : read.Where(c => c.ClientId != newcomer.ClientId).Append(newcomer))];
    }

    /// <summary>Draws T_start of <paramref name="candidates"/> at <paramref name="drawnAt"/>, which opens the updateModel window.</summary>
    private RoundState Draw(RoundState state, ClientRegistration[] candidates, DateTimeOffset drawnAt, Step step)
    {
        HashSet<string> selected = DrawParticipants([.. candidates.Select(c => c.ClientId).Order(StringComparer.Ordinal)], state.Iteration);
        foreach (ClientRegistration candidate in candidates)
        {
            step.Write(candidate with { Status = selected.Contains(candidate.ClientId) ? ParticipationStatus.Selected : ParticipationStatus.NotSelected });
        }

        DateTimeOffset updateDeadline = drawnAt + _updateWindow;
        step.Effects.Add(new ScheduleTimer(updateDeadline));
        return state with
        {
            Phase = RoundPhase.Training,
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

    private RoundState Fail(RoundState state, string reason, DateTimeOffset now, Step step)
    {
        var outcome = new IterationOutcome(state.Iteration, false, reason, state.OpenedAt, now, state.UpdatesAccepted);
        int failures = state.ConsecutiveFailures + 1;
        step.Effects.Add(new FailIteration(outcome, failures));
        return CloseIteration(state with { ConsecutiveFailures = failures }, outcome, now, step);
    }

    private RoundState CloseIteration(RoundState state, IterationOutcome outcome, DateTimeOffset now, Step step)
    {
        ImmutableList<IterationOutcome> outcomes = state.Outcomes.Add(outcome);
        if (outcomes.Count > OutcomeHistory)
        {
            // The state is rewritten by every request (and will travel to a shared store), so it must not grow with
            // the job's length: only the newest outcomes are kept for getResult.
            outcomes = outcomes.RemoveRange(0, outcomes.Count - OutcomeHistory);
        }

        RoundState closed = state with { Outcomes = outcomes };
        // The ended iteration's registrations stay behind in the store, which drops them: nobody asks about them.
        step.LeaveIteration();
        if (state.Iteration >= _iterationCount)
        {
            step.Effects.Add(new InstanceFinished(state.Iteration));
            return closed with
            {
                Status = InstanceStatus.Finished,
                Phase = RoundPhase.Closed,
                RegisteredCount = 0,
                UpdateModelDeadline = null,
            };
        }

        return OpenIteration(closed, state.Iteration + 1, now, step);
    }

    private RoundState OpenIteration(RoundState state, int iteration, DateTimeOffset now, Step step)
    {
        DateTimeOffset startDeadline = now + _startWindow;
        DateTimeOffset globalDeadline = now + _globalWindow;
        step.Effects.Add(new ScheduleTimer(startDeadline));
        step.Effects.Add(new ScheduleTimer(globalDeadline));
        return state with
        {
            Iteration = iteration,
            Status = InstanceStatus.Running,
            Phase = RoundPhase.Selecting,
            OpenedAt = now,
            StartFlJobDeadline = startDeadline,
            UpdateModelDeadline = null,
            GlobalDeadline = globalDeadline,
            RegisteredCount = 0,
            AcceptedCount = 0,
            UpdatesAccepted = 0,
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

    /// <summary>What one application of an event builds up besides the state: effects, registration writes, and the asking client's registration as it now stands.</summary>
    private sealed class Step(ClientRegistration? registration, IReadOnlyList<ClientRegistration>? registrations)
    {
        private readonly List<ClientRegistration> _writes = [];

        public List<RoundEffect> Effects { get; } = [];

        /// <summary>The asking client's registration in the current iteration, with this step's writes applied; null when it has none.</summary>
        public ClientRegistration? Registration { get; private set; } = registration;

        /// <summary>Every registration of the snapshot's iteration, when the caller read them for a draw.</summary>
        public IReadOnlyList<ClientRegistration>? Registrations { get; } = registrations;

        public void Write(ClientRegistration written)
        {
            _writes.Add(written);
            if (Registration?.ClientId == written.ClientId)
            {
                Registration = written;
            }
        }

        /// <summary>Writes the asking client's first registration in the current iteration.</summary>
        public void Register(ClientRegistration written)
        {
            _writes.Add(written);
            Registration = written;
        }

        /// <summary>The iteration ended: the asking client has no registration in the next one.</summary>
        public void LeaveIteration() => Registration = null;

        public RoundTransition Finish(RoundState next, RoundState input, RoundReply? reply)
        {
            // A write must reach the store even when the scalars are unchanged, and it bumps the version like any other.
            RoundState state = _writes.Count > 0 && ReferenceEquals(next, input) ? next with { } : next;
            return new RoundTransition(state, [.. _writes.Where(w => w.Iteration == state.Iteration)], Effects, reply);
        }
    }
}
