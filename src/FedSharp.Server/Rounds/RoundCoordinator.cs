using System.Collections.Concurrent;
using FedSharp.Core.Models;
using FedSharp.Server.Aggregation;
using FedSharp.Server.Checkpoints;
using FedSharp.Server.Metrics;
using FedSharp.Server.Stores;
using FedSharp.Server.Strategies;

namespace FedSharp.Server.Rounds;

/// <summary>
/// Runs the round engine for one server: loads the shared <see cref="RoundState"/> with the asking client's
/// registration, applies an event through <see cref="RoundStateMachine"/>, saves the result only if nobody saved in
/// between (optimistic concurrency, retrying on conflict), then carries out the transition's effects — adding updates
/// to the running sum and arming timers in the request, and, outside any request, aggregating through the
/// <see cref="IStrategy"/>, checkpointing and publishing the model and writing metrics.
/// </summary>
/// <remarks>
/// Thread-safe: any number of requests may run at once; they meet only in the stores. Exactly one caller commits
/// each transition, so each effect runs once even with many servers sharing the stores. An update takes one of the
/// threshold's slots when it is accepted (one read, one compare-and-set) and is acknowledged (Succeed) only after it
/// is in the running sum; the iteration is aggregated once the update store holds as many updates as the threshold,
/// so aggregation never misses an update that was acknowledged. Aggregations, the checkpoints' fsync and the metrics
/// run one after another on a background queue (<see cref="WhenIdleAsync"/> waits for it), never in the request of
/// the device whose update completed the iteration.
/// </remarks>
public sealed partial class RoundCoordinator : IDisposable
{
    private const int MaxCommitAttempts = 100_000;
    private readonly RoundStateMachine _machine;
    private readonly IRoundStore _rounds;
    private readonly IUpdateStore _updates;
    private readonly IModelStore _models;
    private readonly IStrategy _strategy;
    private readonly TimeProvider _time;
    private readonly CheckpointStore? _checkpoints;
    private readonly IterationMetricsWriter? _metrics;
    private readonly ConcurrentDictionary<int, IterationTraffic> _traffic = new();
    private readonly TimeSpan _participationTimeLevel1;
    private readonly TimeSpan _participationTimeLevel2;
    private readonly TimeSpan _retryInterval;

    // Names and shapes never change within an instance, so updates are checked against this copy of the layout
    // instead of fetching the whole global model from a remote store for every update.
    private volatile ModelParameters? _layout;

    /// <summary>Creates a coordinator; call <see cref="InitializeAsync"/> before serving requests.</summary>
    /// <param name="options">Thresholds and windows; validated here.</param>
    /// <param name="rounds">Shared round state.</param>
    /// <param name="updates">Per-iteration running sums.</param>
    /// <param name="models">The published global model.</param>
    /// <param name="strategy">The aggregation algorithm, e.g. <see cref="FedAvg"/>; its accumulator must be the update store's kind.</param>
    /// <param name="time">The clock and the source of timers.</param>
    /// <param name="checkpoints">Where valid iterations' models are written and resumed from; null for none.</param>
    /// <param name="metrics">Where per-iteration metrics and failure events go; null for none.</param>
    /// <exception cref="ArgumentException">The options are invalid (the message lists every problem), or the strategy's accumulator is not the update store's kind.</exception>
    public RoundCoordinator(
        RoundOptions options,
        IRoundStore rounds,
        IUpdateStore updates,
        IModelStore models,
        IStrategy strategy,
        TimeProvider time,
        CheckpointStore? checkpoints = null,
        IterationMetricsWriter? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(rounds);
        ArgumentNullException.ThrowIfNull(updates);
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(time);
        if (strategy.Accumulator.Kind != updates.Kind)
        {
            throw new ArgumentException(
                $"Strategy {strategy.GetType().Name} accumulates updates as {strategy.Accumulator.Kind} but the update store {updates.GetType().Name} holds them as {updates.Kind}; create the store with the strategy's kind (new InMemoryUpdateStore(strategy.Accumulator.Kind)).",
                nameof(updates));
        }

        _machine = new RoundStateMachine(options);
        _participationTimeLevel1 = options.ParticipationTimeLevel1;
        _participationTimeLevel2 = options.ParticipationTimeLevel2;
        _retryInterval = options.RetryInterval;
        _rounds = rounds;
        _updates = updates;
        _models = models;
        _strategy = strategy;
        _time = time;
        _checkpoints = checkpoints;
        _metrics = metrics;
    }

    /// <summary>
    /// Joins the instance in the round store if one exists; otherwise starts it from the newest readable checkpoint
    /// (at the iteration after it) or from <paramref name="initialModel"/> (at iteration 1), publishing that model.
    /// </summary>
    /// <exception cref="InvalidOperationException">A checkpoint's layout differs from <paramref name="initialModel"/>, or the round store has a state but the model store has no model.</exception>
    public async Task<RoundStartup> InitializeAsync(ModelParameters initialModel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(initialModel);
        RoundState? existing = await _rounds.GetAsync(cancellationToken);
        if (existing is not null)
        {
            return await JoinAsync(existing, cancellationToken);
        }

        CheckpointRecovery recovery = _checkpoints?.LoadNewest() ?? new CheckpointRecovery(null, []);
        PublishedModel model = new(0, initialModel);
        if (recovery.Checkpoint is { } checkpoint)
        {
            if (!checkpoint.Parameters.HasSameLayout(initialModel))
            {
                throw new InvalidOperationException(
                    $"Checkpoint '{checkpoint.Path}' holds layout [{string.Join(", ", checkpoint.Parameters.Tensors)}] but the initial model has [{string.Join(", ", initialModel.Tensors)}]; point the checkpoint directory at this model's job or remove the file.");
            }

            model = new PublishedModel(checkpoint.Iteration, checkpoint.Parameters);
        }

        // A model store that already holds a newer model (it outlived the round store) wins: the instance continues
        // after that model rather than rolling back to an older checkpoint.
        await _models.TryPublishAsync(model, cancellationToken);
        PublishedModel current = await CurrentModelAsync(cancellationToken);
        _layout = current.Parameters;
        // The checkpoint is the proof that its iteration was valid; keeping that outcome lets a device that took part
        // in it before the restart ask getResult and carry on instead of stopping.
        IterationOutcome? restored = recovery.Checkpoint is { } resumed && resumed.Iteration == current.Iteration
            ? new IterationOutcome(
                resumed.Iteration,
                true,
                $"Iteration {resumed.Iteration} produced the model restored from checkpoint '{Path.GetFileName(resumed.Path)}' when the server restarted.",
                resumed.CreatedAt,
                resumed.CreatedAt,
                0)
            : null;
        RoundTransition opened = _machine.Open(current.Iteration + 1, current.Iteration, _time.GetUtcNow(), restored);
        if (!await _rounds.TryCreateAsync(opened.State, cancellationToken))
        {
            RoundState created = await _rounds.GetAsync(cancellationToken)
                ?? throw new InvalidOperationException("The round store refused to create the instance yet holds no state; the store is inconsistent.");
            return await JoinAsync(created, cancellationToken);
        }

        await RunEffectsAsync(opened.Effects, null, cancellationToken);
        return new RoundStartup(opened.State with { Version = 1 }, false, recovery.Checkpoint, recovery.Faults);
    }

    /// <summary>A client asks to join the current iteration (startFLJob).</summary>
    /// <param name="clientId">The client's id.</param>
    /// <param name="dataSize">Its number of training samples, its update's weight.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<StartFlJobResult> StartFlJobAsync(string clientId, int dataSize, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        try
        {
            RoundTransition transition = await CommitAndRunAsync(new StartFlJobRequested(clientId, dataSize), null, cancellationToken);
            RoundReply reply = transition.Reply!;
            if (reply.Code != RoundRetcode.Succeed)
            {
                return new StartFlJobResult(reply, null, null);
            }

            PublishedModel model = await CurrentModelAsync(cancellationToken);
            TrainingPlan training = _strategy.ConfigureTraining(reply.Iteration, model);
            EvaluationPlan? evaluation = _strategy.ConfigureEvaluation(reply.Iteration, model);
            TrafficOf(reply.Iteration).AddOut(training.Model.Parameters.TotalLength * sizeof(float));
            return new StartFlJobResult(reply, training, evaluation);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new StartFlJobResult(await SystemErrorAsync($"startFLJob of client '{clientId}'", ex), null, null);
        }
    }

    /// <summary>
    /// A client sends its trained update (updateModel). It is checked against the global model's layout and for
    /// non-finite values, then accepted or refused by the round rules; Succeed means it is in the running sum.
    /// </summary>
    public async Task<RoundReply> UpdateModelAsync(ClientUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        try
        {
            ModelParameters layout = _layout ?? (await CurrentModelAsync(cancellationToken)).Parameters;
            string? problem = FindValueProblem(update, layout) ?? FindReportProblem(update) ?? FindStrategyProblem(update, layout);
            return await SubmitAsync(update, new UpdateModelRequested(update.ClientId, update.Iteration, update.DataSize), problem, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return await SystemErrorAsync($"updateModel of client '{update.ClientId}' for iteration {update.Iteration}", ex);
        }
    }

    /// <summary>
    /// The protocol layer's updateModel: <paramref name="parameters"/> were decoded against the global model's layout
    /// and checked for non-finite values as they were read, so they are not scanned again, and the update's weight
    /// is the data size the client declared at startFLJob, taken from the state transition that accepts it.
    /// <paramref name="strategy"/> holds the request's strategy fields, decoded and checked for shape and finiteness.
    /// </summary>
    internal async Task<RoundReply> UpdateDecodedModelAsync(string clientId, int iteration, ModelParameters parameters, float? loss, float? accuracy, StrategyParameters strategy, CancellationToken cancellationToken)
    {
        try
        {
            // The weight 1 is a placeholder: AccumulateAsync folds the update in with the registration's data size.
            var update = new ClientUpdate(clientId, iteration, parameters, 1, loss, accuracy, strategy);
            return await SubmitAsync(update, new UpdateModelRequested(clientId, iteration, null), FindReportProblem(update) ?? FindStrategyProblem(update, parameters), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return await SystemErrorAsync($"updateModel of client '{clientId}' for iteration {iteration}", ex);
        }
    }

    private async Task<RoundReply> SubmitAsync(ClientUpdate update, UpdateModelRequested request, string? problem, CancellationToken cancellationToken)
    {
        if (problem is null && _strategy.ReviewsUpdates)
        {
            UpdateReview review = _strategy.ReviewUpdate(update, await CurrentModelAsync(cancellationToken));
            problem = review.Accepted ? null : $"The update of client '{update.ClientId}' for iteration {update.Iteration} was refused by the {_strategy.GetType().Name} strategy: {review.Reason}";
        }

        if (problem is not null)
        {
            RoundState state = await LoadAsync(cancellationToken);
            return RoundReply.RequestError(problem, state.Iteration);
        }

        RoundTransition transition = await CommitAndRunAsync(request, update, cancellationToken);
        return transition.Reply!;
    }

    /// <summary>A client asks how <paramref name="iteration"/> ended (getResult): valid or not, and why.</summary>
    public async Task<RoundReply> GetResultAsync(string clientId, int iteration, CancellationToken cancellationToken)
    {
        try
        {
            RoundTransition transition = await CommitAndRunAsync(new GetResultRequested(clientId ?? string.Empty, iteration), null, cancellationToken);
            return transition.Reply!;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return await SystemErrorAsync($"getResult of client '{clientId}' for iteration {iteration}", ex);
        }
    }

    /// <summary>A client asks for the global model after taking part in <paramref name="iteration"/> (getModel); served after the instance finished too.</summary>
    public async Task<GetModelResult> GetModelAsync(string clientId, int iteration, CancellationToken cancellationToken)
    {
        try
        {
            RoundTransition transition = await CommitAndRunAsync(new GetModelRequested(clientId ?? string.Empty, iteration), null, cancellationToken);
            RoundReply reply = transition.Reply!;
            if (reply.Code != RoundRetcode.Succeed)
            {
                return new GetModelResult(reply, null);
            }

            PublishedModel model = await CurrentModelAsync(cancellationToken);
            if (transition.State.Status == InstanceStatus.Running)
            {
                // Downloads after the last iteration belong to no iteration, whose metrics are already written.
                TrafficOf(reply.Iteration).AddOut(model.Parameters.TotalLength * sizeof(float));
            }

            return new GetModelResult(reply, model);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new GetModelResult(await SystemErrorAsync($"getModel of client '{clientId}' for iteration {iteration}", ex), null);
        }
    }

    /// <summary>The shared state as it is now.</summary>
    public Task<RoundState> GetStateAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    /// <summary>
    /// Closes every window the clock has passed. Timers call this; a host may also call it periodically, which
    /// keeps deadlines enforced when the server that armed the timers has died.
    /// </summary>
    public async Task<RoundState> CheckDeadlinesAsync(CancellationToken cancellationToken)
    {
        RoundTransition transition = await CommitAndRunAsync(new DeadlineCheck(), null, cancellationToken);
        return transition.State;
    }

    private async Task<RoundStartup> JoinAsync(RoundState state, CancellationToken cancellationToken)
    {
        PublishedModel? model = await _models.GetCurrentAsync(cancellationToken);
        if (model is null)
        {
            throw new InvalidOperationException(
                $"The round store holds iteration {state.Iteration} (model of iteration {state.ModelIteration}) but the model store holds no model; the stores belong to different instances or the model store was wiped. Point both at the same instance or clear the round store.");
        }

        _layout = model.Parameters;
        if (RoundStateMachine.NextDeadline(state) is { } deadline)
        {
            Schedule(deadline);
        }

        return new RoundStartup(state, true, null, []);
    }

    private async Task<RoundState> LoadAsync(CancellationToken cancellationToken)
        => await _rounds.GetAsync(cancellationToken) ?? throw NotInitialized();

    private static InvalidOperationException NotInitialized()
        => new($"The round store holds no instance; call {nameof(InitializeAsync)} before serving requests.");

    private async Task<PublishedModel> CurrentModelAsync(CancellationToken cancellationToken)
        => await _models.GetCurrentAsync(cancellationToken)
            ?? throw new InvalidOperationException($"No global model is published; call {nameof(InitializeAsync)} before serving requests.");

    /// <summary>
    /// Loads the state with the event's client's registration (one read), applies the event and saves the state with
    /// the registrations it changed when the version is still the loaded one (one compare-and-set), retrying from a
    /// fresh load on conflict. Only a due random draw reads every registration of the iteration.
    /// </summary>
    private async Task<RoundTransition> CommitAsync(RoundEvent @event, CancellationToken cancellationToken)
    {
        string? clientId = RoundStateMachine.ClientOf(@event);
        for (int attempt = 0; attempt < MaxCommitAttempts; attempt++)
        {
            RoundSnapshot snapshot = clientId is null
                ? new RoundSnapshot(await LoadAsync(cancellationToken), null)
                : await _rounds.GetAsync(clientId, cancellationToken) ?? throw NotInitialized();
            RoundState state = snapshot.State;
            DateTimeOffset now = _time.GetUtcNow();
            IReadOnlyList<ClientRegistration>? registrations = _machine.DrawIsDue(state, now)
                ? await _rounds.GetRegistrationsAsync(state.Iteration, cancellationToken)
                : null;
            RoundTransition transition = _machine.Apply(snapshot, @event, now, registrations);
            if (ReferenceEquals(transition.State, state))
            {
                return transition;
            }

            if (await _rounds.TryUpdateAsync(transition.State, transition.Registrations, state.Version, cancellationToken))
            {
                return transition with { State = transition.State with { Version = state.Version + 1 } };
            }
        }

        throw new InvalidOperationException($"Saving the round state for {@event.GetType().Name} lost {MaxCommitAttempts} races in a row; the round store is not making progress.");
    }

    private async Task<RoundTransition> CommitAndRunAsync(RoundEvent @event, ClientUpdate? update, CancellationToken cancellationToken)
    {
        RoundTransition transition = await CommitAsync(@event, cancellationToken);
        RoundReply? reply = await RunEffectsAsync(transition.Effects, update, cancellationToken);
        return reply is null ? transition : transition with { Reply = reply };
    }

    // The pass over every value: layout and finiteness. The protocol layer's decoder does it while reading.
    private static string? FindValueProblem(ClientUpdate update, ModelParameters layout)
    {
        string id = update.ClientId;
        if (!update.Parameters.HasSameLayout(layout))
        {
            return $"Update of client '{id}' for iteration {update.Iteration} has layout [{string.Join(", ", update.Parameters.Tensors)}] but the global model has [{string.Join(", ", layout.Tensors)}]; train the model received at startFLJob.";
        }

        foreach (ParameterTensor tensor in update.Parameters.Tensors)
        {
            if (!WeightedAverage.AllFinite(tensor.Values))
            {
                return $"Update of client '{id}' for iteration {update.Iteration} has NaN or infinite values in tensor '{tensor.Name}'; the client's training diverged.";
            }
        }

        return null;
    }

    // What the device reported besides its weights must be what the strategy asks for: nothing, for FedAvg.
    private string? FindStrategyProblem(ClientUpdate update, ModelParameters layout)
    {
        foreach (ParameterTensor tensor in update.Strategy.Tensors?.Tensors ?? [])
        {
            if (!WeightedAverage.AllFinite(tensor.Values))
            {
                return $"Update of client '{update.ClientId}' for iteration {update.Iteration} has NaN or infinite values in strategy tensor '{tensor.Name}'; the client's training diverged.";
            }
        }

        string? problem = _strategy.CheckReportedFields(update, layout);
        return problem is null ? null : $"Update of client '{update.ClientId}' for iteration {update.Iteration}: {problem}.";
    }

    private static string? FindReportProblem(ClientUpdate update)
    {
        string id = update.ClientId;
        if (update.Loss is { } loss && !float.IsFinite(loss))
        {
            return $"Update of client '{id}' for iteration {update.Iteration} reports loss {loss}; a loss must be finite.";
        }

        if (update.Accuracy is { } accuracy && !float.IsFinite(accuracy))
        {
            return $"Update of client '{id}' for iteration {update.Iteration} reports accuracy {accuracy}; an accuracy must be finite.";
        }

        return null;
    }

    private async Task<RoundReply> SystemErrorAsync(string request, Exception ex)
    {
        int iteration = 0;
        try
        {
            iteration = (await _rounds.GetAsync(CancellationToken.None))?.Iteration ?? 0;
        }
        catch (Exception storeFault) when (storeFault is not OperationCanceledException)
        {
            // The store is what failed; the reply still explains the original fault without an iteration.
        }

        return RoundReply.SystemError($"The server failed to process {request}: {ex.Message}", iteration);
    }

    private IterationTraffic TrafficOf(int iteration) => _traffic.GetOrAdd(iteration, static _ => new IterationTraffic());
}
