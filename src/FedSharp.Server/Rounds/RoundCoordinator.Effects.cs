using FedSharp.Core.Models;
using FedSharp.Server.Metrics;
using FedSharp.Server.Stores;
using FedSharp.Server.Strategies;

namespace FedSharp.Server.Rounds;

public sealed partial class RoundCoordinator
{
    private async Task RunEffectsAsync(IReadOnlyList<RoundEffect> effects, ClientUpdate? update, CancellationToken cancellationToken)
    {
        foreach (RoundEffect effect in effects)
        {
            switch (effect)
            {
                case ScheduleTimer timer:
                    Schedule(timer.DueAt);
                    break;
                case AccumulateUpdate accumulate:
                    await AccumulateAsync(accumulate, update, cancellationToken);
                    break;
                case AggregateAndPublish aggregate:
                    await AggregateAsync(aggregate.Iteration, cancellationToken);
                    break;
                case FailIteration failed:
                    await RecordClosedIterationAsync(failed.Outcome, failed.ConsecutiveFailures, cancellationToken);
                    break;
                case CompleteIteration completed:
                    await RecordClosedIterationAsync(completed.Outcome, 0, cancellationToken);
                    break;
                case InstanceFinished:
                    CancelTimers();
                    break;
                default:
                    throw new InvalidOperationException($"Effect {effect.GetType().Name} has no handler in {nameof(RoundCoordinator)}; add a case to {nameof(RunEffectsAsync)}.");
            }
        }
    }

    private async Task AccumulateAsync(AccumulateUpdate accumulate, ClientUpdate? update, CancellationToken cancellationToken)
    {
        if (update is null || update.ClientId != accumulate.ClientId || update.Iteration != accumulate.Iteration)
        {
            throw new InvalidOperationException($"The state machine accepted the update of client '{accumulate.ClientId}' for iteration {accumulate.Iteration}, but the request carried no matching update; this is a bug in {nameof(RoundCoordinator)}.");
        }

        // The weight is the data size declared at startFLJob, carried by the transition that accepted the update
        // (an update from the wire carries none of its own).
        if (update.DataSize != accumulate.DataSize)
        {
            update = new ClientUpdate(update.ClientId, update.Iteration, update.Parameters, accumulate.DataSize, update.Loss, update.Accuracy);
        }

        try
        {
            await _updates.AddAsync([update], cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Free the slot so the client can resend; a store that kept the update despite the fault skips the
            // resend because adds are idempotent per client.
            await CommitAndRunAsync(new UpdateAbandoned(update.ClientId, update.Iteration), null, CancellationToken.None);
            throw;
        }

        IterationTraffic traffic = TrafficOf(update.Iteration);
        traffic.AddIn(update.PayloadBytes);
        traffic.AddParticipation(_time.GetUtcNow() - accumulate.RegisteredAt, _participationTimeLevel1, _participationTimeLevel2);
        RoundTransition transition = await CommitAndRunAsync(new UpdateAccumulated(update.ClientId, update.Iteration), null, cancellationToken);
        if (transition.State.Iteration != update.Iteration || transition.State.Status != InstanceStatus.Running)
        {
            // The iteration ended (failed while this update was being added, or completed because of it): its sum
            // is no longer needed, and a late add may have recreated it after the closing discard.
            await _updates.DiscardAsync(update.Iteration, cancellationToken);
        }
    }

    private async Task AggregateAsync(int iteration, CancellationToken cancellationToken)
    {
        RoundEvent result;
        try
        {
            IterationAggregate? aggregate = await _updates.ReadAsync(iteration, cancellationToken);
            PublishedModel current = await CurrentModelAsync(cancellationToken);
            if (aggregate is null)
            {
                result = new AggregationFailed(iteration, "the running sum is missing from the update store.");
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

    private async Task RecordClosedIterationAsync(IterationOutcome outcome, int consecutiveFailures, CancellationToken cancellationToken)
    {
        _traffic.TryRemove(outcome.Iteration, out IterationTraffic? traffic);
        foreach (int stale in _traffic.Keys.Where(i => i < outcome.Iteration))
        {
            _traffic.TryRemove(stale, out _);
        }

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
