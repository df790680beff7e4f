namespace FedSharp.Server.Rounds;

public sealed partial class RoundStateMachine
{
    private (RoundState, RoundReply) OnStartFlJob(RoundState state, StartFlJobRequested request, DateTimeOffset now, Step step)
    {
        string id = request.ClientId;
        int iteration = state.Iteration;
        if (state.Status == InstanceStatus.Finished)
        {
            return (state, Finished(state, id, "startFLJob"));
        }

        if (request.DataSize < 1)
        {
            return (state, RoundReply.RequestError($"Client '{id}' declared data size {request.DataSize} for iteration {iteration}; it must be 1 or more.", iteration));
        }

        if (state.Phase == RoundPhase.Aggregating)
        {
            return (state, RoundReply.OutOfTime($"Client '{id}' asked to join iteration {iteration} while it is being aggregated; start over with the next iteration.", iteration, now + _retryInterval));
        }

        if (step.Registration is { } registration)
        {
            switch (registration.Status)
            {
                case ParticipationStatus.Candidate:
                    DateTimeOffset again = _samplingTarget > 0 && now + _retryInterval < state.StartFlJobDeadline ? now + _retryInterval : state.StartFlJobDeadline;
                    return (state, RoundReply.NotReady($"Client '{id}' is a candidate for the random draw of iteration {iteration}; ask again at {again:O}.", iteration, again));
                case ParticipationStatus.Selected:
                    step.Write(registration with { Status = ParticipationStatus.Joined });
                    return (state, RoundReply.Succeed($"Client '{id}' was drawn for iteration {iteration} and joins it.", iteration));
                case ParticipationStatus.NotSelected:
                    return (state, RoundReply.OutOfTime($"Client '{id}' was not drawn for iteration {iteration}; start over with the next iteration.", iteration, NextIterationEstimate(state, now)));
                default:
                    return (state, RoundReply.OutOfTime($"Client '{id}' already joined iteration {iteration}; a second startFLJob in one iteration is refused, start over with the next iteration.", iteration, NextIterationEstimate(state, now)));
            }
        }

        if (state.Phase != RoundPhase.Selecting)
        {
            string why = _sampling == ClientSampling.FirstCome
                ? $"already has its {_startThreshold} clients"
                : "has already drawn its participants";
            return (state, RoundReply.OutOfTime($"Client '{id}' is too late: iteration {iteration} {why}; start over with the next iteration.", iteration, NextIterationEstimate(state, now)));
        }

        if (_sampling == ClientSampling.Random)
        {
            var candidate = new ClientRegistration(id, iteration, request.DataSize, now, ParticipationStatus.Candidate);
            step.Register(candidate);
            RoundState registered = state with { RegisteredCount = state.RegisteredCount + 1 };
            if (_samplingTarget > 0 && registered.RegisteredCount >= _samplingTarget)
            {
                // The target is reached: draw now rather than at the deadline, and answer this candidate at once.
                RoundState drawn = Draw(registered, Candidates(registered, step, candidate), now, step);
                if (step.Registration is { Status: ParticipationStatus.Selected } chosen)
                {
                    step.Write(chosen with { Status = ParticipationStatus.Joined });
                    return (drawn, RoundReply.Succeed($"Client '{id}' completed the {_samplingTarget} candidates of iteration {iteration}, was drawn and joins it.", iteration));
                }

                return (drawn, RoundReply.OutOfTime($"Client '{id}' was not drawn for iteration {iteration}; start over with the next iteration.", iteration, NextIterationEstimate(drawn, now)));
            }

            if (_samplingTarget > 0)
            {
                // The draw comes when the target is reached, which may be long before the deadline: poll.
                DateTimeOffset again = now + _retryInterval < state.StartFlJobDeadline ? now + _retryInterval : state.StartFlJobDeadline;
                return (registered, RoundReply.NotReady($"Client '{id}' is candidate {registered.RegisteredCount} of the {_samplingTarget} that start the random draw of iteration {iteration}; ask again at {again:O}.", iteration, again));
            }

            return (registered, RoundReply.NotReady($"Client '{id}' is a candidate for the random draw of iteration {iteration}; ask again at {state.StartFlJobDeadline:O}.", iteration, state.StartFlJobDeadline));
        }

        int accepted = state.AcceptedCount + 1;
        step.Register(new ClientRegistration(id, iteration, request.DataSize, now, ParticipationStatus.Joined));
        RoundState next = state with
        {
            RegisteredCount = state.RegisteredCount + 1,
            AcceptedCount = accepted,
        };
        if (accepted == _startThreshold)
        {
            DateTimeOffset updateDeadline = now + _updateWindow;
            step.Effects.Add(new ScheduleTimer(updateDeadline));
            next = next with { Phase = RoundPhase.Training, UpdateModelDeadline = updateDeadline };
        }

        return (next, RoundReply.Succeed($"Client '{id}' joins iteration {iteration} as participant {accepted} of {_startThreshold}.", iteration));
    }

    private (RoundState, RoundReply) OnUpdateModel(RoundState state, UpdateModelRequested request, DateTimeOffset now, Step step)
    {
        string id = request.ClientId;
        int iteration = state.Iteration;
        if (state.Status == InstanceStatus.Finished)
        {
            return (state, Finished(state, id, "updateModel"));
        }

        if (request.Iteration > iteration)
        {
            return (state, RoundReply.RequestError($"Client '{id}' sent an update for iteration {request.Iteration}, but the current iteration is {iteration}; an update cannot come from the future.", iteration));
        }

        if (request.Iteration < iteration)
        {
            // A late upload: the device's next chance is the current iteration when it still takes participants, not
            // the end of it (in a short job the device would otherwise never take part again).
            string late = $"Client '{id}' sent an update for iteration {request.Iteration}, which has ended; the current iteration is {iteration}";
            return (state, step.Registration is not null
                ? RoundReply.OutOfTime($"{late}, which it has already joined; go on with it.", iteration, NextIterationEstimate(state, now))
                : NextChance(state, late, now));
        }

        if (step.Registration is not { } registration)
        {
            return (state, NotAParticipant(state, $"Client '{id}' sent an update for iteration {iteration} without a successful startFLJob in it", now));
        }

        if (registration.Status is ParticipationStatus.Candidate or ParticipationStatus.Selected or ParticipationStatus.NotSelected)
        {
            return (state, RoundReply.OutOfTime($"Client '{id}' sent an update for iteration {iteration} without a successful startFLJob in it; start over with the next iteration.", iteration, NextIterationEstimate(state, now)));
        }

        if (registration.Status is ParticipationStatus.Uploaded)
        {
            return (state, RoundReply.RequestError($"Client '{id}' already sent its update for iteration {iteration}; a client contributes once per iteration.", iteration));
        }

        if (state.Phase == RoundPhase.Aggregating || state.UpdatesAccepted >= _updateThreshold)
        {
            return (state, RoundReply.OutOfTime($"Client '{id}' is too late: iteration {iteration} already has its {_updateThreshold} updates; start over with the next iteration.", iteration, NextIterationEstimate(state, now)));
        }

        if (request.DataSize is { } claimed && claimed != registration.DataSize)
        {
            return (state, RoundReply.RequestError($"Client '{id}' declared data size {registration.DataSize} at startFLJob but {request.DataSize} in its update for iteration {iteration}; the weight is fixed when the client joins.", iteration));
        }

        step.Effects.Add(new AccumulateUpdate(id, iteration, registration.DataSize, registration.RegisteredAt));
        step.Write(registration with { Status = ParticipationStatus.Uploaded });
        RoundState next = state with { UpdatesAccepted = state.UpdatesAccepted + 1 };
        if (next.UpdatesAccepted == _updateThreshold)
        {
            // Every slot is taken: no further update is accepted, and the iteration is aggregated as soon as the
            // update store holds all of them (the coordinator watches its count, so no second write is needed).
            next = next with { Phase = RoundPhase.Aggregating };
        }

        return (next, RoundReply.Succeed($"Update of client '{id}' for iteration {iteration} accepted ({next.UpdatesAccepted} of {_updateThreshold}).", iteration));
    }

    private static RoundState OnUpdateAbandoned(RoundState state, UpdateAbandoned abandoned, Step step)
    {
        if (state.Status != InstanceStatus.Running
            || abandoned.Iteration != state.Iteration
            || step.Registration is not { Status: ParticipationStatus.Uploaded } registration)
        {
            return state;
        }

        // The slot is free again; an iteration that had all its updates takes them again until the window closes.
        step.Write(registration with { Status = ParticipationStatus.Joined });
        return state with
        {
            UpdatesAccepted = state.UpdatesAccepted - 1,
            Phase = state.Phase == RoundPhase.Aggregating ? RoundPhase.Training : state.Phase,
        };
    }

    private RoundState OnAggregationCompleted(RoundState state, AggregationCompleted completed, DateTimeOffset now, Step step)
    {
        if (state.Status != InstanceStatus.Running || state.Phase != RoundPhase.Aggregating || completed.Iteration != state.Iteration)
        {
            return state;
        }

        var outcome = new IterationOutcome(
            state.Iteration,
            true,
            $"Iteration {state.Iteration} aggregated {state.UpdatesAccepted} updates into a new global model.",
            state.OpenedAt,
            now,
            state.UpdatesAccepted);
        step.Effects.Add(new CompleteIteration(outcome));
        return CloseIteration(state with { ModelIteration = state.Iteration, ConsecutiveFailures = 0 }, outcome, now, step);
    }

    private RoundState OnAggregationFailed(RoundState state, AggregationFailed failed, DateTimeOffset now, Step step)
    {
        if (state.Status != InstanceStatus.Running || state.Phase != RoundPhase.Aggregating || failed.Iteration != state.Iteration)
        {
            return state;
        }

        return Fail(state, $"Aggregation of iteration {state.Iteration} failed: {failed.Reason}", now, step);
    }

    private RoundReply OnGetResult(RoundState state, GetResultRequested request, DateTimeOffset now, Step step)
    {
        int iteration = state.Iteration;
        string who = string.IsNullOrEmpty(request.ClientId) ? "A client" : $"Client '{request.ClientId}'";
        if (request.Iteration < 1 || request.Iteration > iteration)
        {
            return RoundReply.RequestError($"{who} asked for the result of iteration {request.Iteration}, but the current iteration is {iteration}; ask about an iteration between 1 and {iteration}.", iteration);
        }

        if (request.Iteration == iteration && state.Status == InstanceStatus.Running)
        {
            // A device that names itself but is not in the iteration joined it on a server that has since restarted
            // from a checkpoint: this iteration will never count its update, so it must join again, not wait.
            if (!string.IsNullOrEmpty(request.ClientId) && step.Registration is null)
            {
                return NotAParticipant(state, $"{who} asked for the result of iteration {iteration} but is not one of its participants", now);
            }

            return RoundReply.NotReady($"{who} asked for the result of iteration {iteration}, which is still running (phase {state.Phase}).", iteration, now + _retryInterval);
        }

        IterationOutcome? outcome = state.FindOutcome(request.Iteration);
        if (outcome is null)
        {
            return RoundReply.RequestError($"{who} asked for the result of iteration {request.Iteration}, which this instance no longer holds (it keeps the outcomes of the newest {OutcomeHistory} iterations, and none before a checkpoint it resumed from).", iteration);
        }

        string verdict = outcome.Valid ? "valid" : "invalid; the previous model was kept";
        return RoundReply.Succeed($"Iteration {outcome.Iteration} was {verdict}: {outcome.Reason}", iteration, outcome);
    }

    private RoundReply OnGetModel(RoundState state, GetModelRequested request, DateTimeOffset now)
    {
        int iteration = state.Iteration;
        string who = string.IsNullOrEmpty(request.ClientId) ? "A client" : $"Client '{request.ClientId}'";
        if (request.Iteration == iteration && state.Status == InstanceStatus.Running)
        {
            return RoundReply.NotReady($"{who} asked for the model after iteration {iteration}, which is still running (phase {state.Phase}).", iteration, now + _retryInterval);
        }

        return RoundReply.Succeed($"{who} receives the model of iteration {state.ModelIteration}.", iteration);
    }

    // A server restarted from a checkpoint knows nobody who joined before the crash.
    private RoundReply NotAParticipant(RoundState state, string what, DateTimeOffset now)
        => NextChance(state, $"{what} (this server may have restarted since it joined)", now);

    // A device that is not in the current iteration: while the iteration still takes participants it is told to join
    // it after one retry interval; otherwise to come back when the iteration can have ended.
    private RoundReply NextChance(RoundState state, string what, DateTimeOffset now)
    {
        int iteration = state.Iteration;
        return state.Phase == RoundPhase.Selecting
            ? RoundReply.OutOfTime($"{what}; iteration {iteration} still takes participants, send startFLJob again.", iteration, now + _retryInterval)
            : RoundReply.OutOfTime($"{what}; start over with the next iteration.", iteration, NextIterationEstimate(state, now));
    }

    private RoundReply Finished(RoundState state, string clientId, string round)
        => RoundReply.RequestError($"Client '{clientId}' sent {round}, but the instance finished after iteration {state.Iteration} of {_iterationCount}; only getModel and getResult are served.", state.Iteration);
}
