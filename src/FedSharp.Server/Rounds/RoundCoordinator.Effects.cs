using FedSharp.Core.Models;
using FedSharp.Server.Metrics;
using FedSharp.Server.Stores;
using FedSharp.Server.Strategies;

namespace FedSharp.Server.Rounds;

public sealed partial class RoundCoordinator
{
    // Returns the reply that replaces the state machine's, or null to keep it.
    private async Task<RoundReply?> RunEffectsAsync(IReadOnlyList<RoundEffect> effects, ClientUpdate? update, CancellationToken cancellationToken)
    {
        RoundReply? reply = null;
        foreach (RoundEffect effect in effects)
        {
            switch (effect)
            {
                case ScheduleTimer timer:
                    Schedule(timer.DueAt);
                    break;
                case AccumulateUpdate accumulate:
                    reply = await AccumulateAsync(accumulate, update, cancellationToken);
                    break;
                case FailIteration failed:
                    IterationTraffic? failedTraffic = CloseTraffic(failed.Outcome.Iteration);
                    RunInBackground(() => RecordClosedIterationAsync(failed.Outcome, failed.ConsecutiveFailures, failedTraffic));
                    break;
                case CompleteIteration completed:
                    IterationTraffic? completedTraffic = CloseTraffic(completed.Outcome.Iteration);
                    RunInBackground(() => RecordClosedIterationAsync(completed.Outcome, 0, completedTraffic));
                    break;
                case InstanceFinished:
                    CancelTimers();
                    break;
                default:
                    throw new InvalidOperationException($"Effect {effect.GetType().Name} has no handler in {nameof(RoundCoordinator)}; add a case to {nameof(RunEffectsAsync)}.");
            }
        }

        return reply;
    }

    private async Task<RoundReply?> AccumulateAsync(AccumulateUpdate accumulate, ClientUpdate? update, CancellationToken cancellationToken)
    {
        if (update is null || update.ClientId != accumulate.ClientId || update.Iteration != accumulate.Iteration)
        {
            throw new InvalidOperationException($"The state machine accepted the update of client '{accumulate.ClientId}' for iteration {accumulate.Iteration}, but the request carried no matching update; this is a bug in {nameof(RoundCoordinator)}.");
        }

        // The weight is the data size declared at startFLJob, carried by the transition that accepted the update
        // (an update from the wire carries none of its own).
        if (update.DataSize != accumulate.DataSize)
        {
            update = new ClientUpdate(update.ClientId, update.Iteration, update.Parameters, accumulate.DataSize, update.Loss, update.Accuracy, update.Strategy);
        }

        // What the device reported besides its weights (SCAFFOLD's Δcᵢ, FedNova's aᵢ) joins the weighted sum here,
        // as tensors after the model's, so every update store sums it without knowing the strategy.
        update = _strategy.PrepareForAccumulation(update);

        // Counted before the add: once the add is in, the iteration may be aggregated and its traffic closed at once.
        IterationTraffic traffic = TrafficOf(update.Iteration);
        traffic.AddIn(update.PayloadBytes);
        traffic.AddParticipation(_time.GetUtcNow() - accumulate.RegisteredAt, _participationTimeLevel1, _participationTimeLevel2);
        UpdateReceipt receipt;
        try
        {
            receipt = (await _updates.AddAsync([update], cancellationToken))[0];
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Free the slot so the client can resend; a store that kept the update despite the fault skips the
            // resend because adds are idempotent per client.
            await CommitAndRunAsync(new UpdateAbandoned(update.ClientId, update.Iteration), null, CancellationToken.None);
            throw;
        }

        if (receipt.Admission == UpdateAdmission.IterationClosed)
        {
            // The iteration ended (its window closed) between accepting the update and adding it.
            RoundState state = await LoadAsync(cancellationToken);
            return RoundReply.OutOfTime(
                $"Iteration {update.Iteration} ended while the update of client '{update.ClientId}' was being added, so it does not count; start over with iteration {state.Iteration}.",
                state.Iteration,
                _time.GetUtcNow() + _retryInterval);
        }

        if (receipt.Held >= _machine.UpdateModelThreshold)
        {
            int iteration = update.Iteration;
            RunInBackground(() => AggregateAsync(iteration));
        }

        return null;
    }

    /// <summary>
    /// Aggregates <paramref name="iteration"/> when every update it accepted is in the running sum. Runs on the
    /// background queue, so a second trigger for the same iteration finds it closed and does nothing.
    /// </summary>
    private async Task AggregateAsync(int iteration)
    {
        CancellationToken cancellationToken = CancellationToken.None;
        RoundState state = await LoadAsync(cancellationToken);
        if (state.Status != InstanceStatus.Running || state.Iteration != iteration || state.Phase != RoundPhase.Aggregating)
        {
            // Ended already, or a slot was freed again (a failed add): the update that fills it triggers aggregation.
            return;
        }

        RoundEvent result;
        try
        {
            IterationAggregate? aggregate = await _updates.ReadAsync(iteration, cancellationToken);
            PublishedModel current = await CurrentModelAsync(cancellationToken);
            if (aggregate is null || aggregate.Contributors.Count < state.UpdatesAccepted)
            {
                // An accepted update is still on its way into the sum (a slot freed and taken again, or another
                // server's add): the add that completes the sum triggers aggregation again; the global window bounds the wait.
                return;
            }

            if (aggregate.Contributors.Count > state.UpdatesAccepted)
            {
                result = new AggregationFailed(iteration, $"the running sum holds {aggregate.Contributors.Count} updates but only {state.UpdatesAccepted} were acknowledged; an add reported as failed had reached the update store.");
            }
            else
            {
                TrainingAggregation aggregation = _strategy.AggregateTraining(aggregate, current);
                result = aggregation.Succeeded
                    ? await PublishAsync(iteration, aggregation.Parameters, cancellationToken)
                    : new AggregationFailed(iteration, aggregation.FailureReason);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Whatever broke, the iteration must end rather than sit in Aggregating until its global window: it
            // fails, keeps the previous model, and the fault is its recorded reason.
            result = new AggregationFailed(iteration, $"{ex.GetType().Name}: {ex.Message}");
        }

        await CommitAndRunAsync(result, null, cancellationToken);
    }

    private async Task<RoundEvent> PublishAsync(int iteration, ModelParameters parameters, CancellationToken cancellationToken)
    {
        // Checkpoint before publishing: if the disk refuses, the iteration fails and keeps the previous model,
        // rather than serving a model that a restart could not recover.
        try
        {
            _checkpoints?.Write(iteration, parameters);
        }
        catch (IOException ex)
        {
            return new AggregationFailed(iteration, ex.Message);
        }

        return await _models.TryPublishAsync(new PublishedModel(iteration, parameters), cancellationToken)
            ? new AggregationCompleted(iteration)
            : new AggregationFailed(iteration, $"the model store already holds a model at least as new as iteration {iteration}.");
    }

    /// <summary>
    /// Takes the ended iteration's traffic counts, in the request that ended it, so what is served afterwards (in the
    /// next iteration) never lands in them while the record is still being written in the background.
    /// </summary>
    private IterationTraffic? CloseTraffic(int iteration)
    {
        _traffic.TryRemove(iteration, out IterationTraffic? traffic);
        foreach (int stale in _traffic.Keys.Where(i => i < iteration))
        {
            _traffic.TryRemove(stale, out _);
        }

        return traffic;
    }

    private async Task RecordClosedIterationAsync(IterationOutcome outcome, int consecutiveFailures, IterationTraffic? traffic)
    {
        CancellationToken cancellationToken = CancellationToken.None;
        if (_metrics is not null)
        {
            // Reading the sum copies a model-sized buffer, so it is done only when someone records the metrics.
            EvaluationSummary evaluation = _strategy.AggregateEvaluation(await _updates.ReadAsync(outcome.Iteration, cancellationToken));
            _metrics.Write(new IterationMetrics(
                outcome.Iteration,
                outcome.Valid,
                outcome.Reason,
                evaluation.Loss,
                evaluation.Accuracy,
                outcome.Participants,
                outcome.Duration,
                traffic?.BytesIn ?? 0,
                traffic?.BytesOut ?? 0,
                consecutiveFailures,
                traffic?.WithinLevel1 ?? 0,
                traffic?.WithinLevel2 ?? 0,
                traffic?.Updates ?? 0));
        }

        await _updates.DiscardAsync(outcome.Iteration, cancellationToken);
    }
}
