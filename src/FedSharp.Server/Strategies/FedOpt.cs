using FedSharp.Core.Models;
using FedSharp.Server.Stores;

namespace FedSharp.Server.Strategies;

/// <summary>
/// The server-optimizer family of Reddi et al. (2021), "Adaptive Federated Optimization": an inner strategy (FedAvg,
/// FedProx, or a robust aggregator) turns the updates into a mean; the pseudo-gradient Δ = mean − global model is then
/// fed to a server optimizer whose state (momentum, moments) carries over between iterations. Everything but the
/// aggregation step — the plan, the accumulator, update review and evaluation — is the inner strategy's.
/// </summary>
/// <remarks>
/// The state is kept per model: the state as of iteration n is used only to aggregate from the model of iteration n,
/// so an iteration whose result is never published (the checkpoint write fails) does not advance it, and a failed
/// iteration leaves it as it was. <see cref="ExportState"/> and <see cref="RestoreState"/> carry it through checkpoints.
/// A model this strategy holds no state for (a fresh start, or a checkpoint written without state) starts from the
/// optimizer's initial state.
/// </remarks>
public abstract class FedOpt : IStatefulStrategy
{
    private readonly Lock _lock = new();
    private State? _current;
    private State? _pending;

    /// <summary>Creates the optimizer over <paramref name="inner"/>'s mean.</summary>
    /// <param name="inner">The strategy whose aggregate is the mean the pseudo-gradient is taken from.</param>
    /// <param name="options">The hyper-parameters; validated and copied.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    protected FedOpt(IStrategy inner, ServerOptimizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Inner = inner;
        LearningRate = options.LearningRate;
    }

    /// <summary>The strategy whose aggregate is the mean.</summary>
    public IStrategy Inner { get; }

    /// <summary>The server step size η.</summary>
    public double LearningRate { get; }

    /// <inheritdoc />
    public Accumulator Accumulator => Inner.Accumulator;

    /// <inheritdoc />
    public bool ReviewsUpdates => Inner.ReviewsUpdates;

    /// <summary>
    /// Names of the state buffers, each the size of the model, in the order <see cref="Step"/> receives them; a
    /// checkpoint names the state tensor of buffer <c>k</c> and model tensor <c>t</c> <c>{StateNames[k]}/{t's name}</c>.
    /// </summary>
    protected abstract IReadOnlyList<string> StateNames { get; }

    /// <inheritdoc />
    public UpdateReview ReviewUpdate(ClientUpdate update, PublishedModel globalModel) => Inner.ReviewUpdate(update, globalModel);

    /// <inheritdoc />
    public string? CheckReportedFields(ClientUpdate update, ModelParameters layout) => Inner.CheckReportedFields(update, layout);

    /// <inheritdoc />
    public ClientUpdate PrepareForAccumulation(ClientUpdate update) => Inner.PrepareForAccumulation(update);

    /// <inheritdoc />
    public TrainingPlan ConfigureTraining(int iteration, PublishedModel globalModel) => Inner.ConfigureTraining(iteration, globalModel);

    /// <inheritdoc />
    public EvaluationPlan? ConfigureEvaluation(int iteration, PublishedModel globalModel) => Inner.ConfigureEvaluation(iteration, globalModel);

    /// <inheritdoc />
    public EvaluationSummary AggregateEvaluation(IterationAggregate? aggregate) => Inner.AggregateEvaluation(aggregate);

    /// <inheritdoc />
    public TrainingAggregation AggregateTraining(IterationAggregate aggregate, PublishedModel globalModel)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        ArgumentNullException.ThrowIfNull(globalModel);
        TrainingAggregation mean = Inner.AggregateTraining(aggregate, globalModel);
        if (!mean.Succeeded)
        {
            return mean;
        }

        ModelParameters next = mean.Parameters;
        ModelParameters global = globalModel.Parameters;
        if (!next.HasSameLayout(global))
        {
            return TrainingAggregation.Failure($"{Inner.GetType().Name} aggregated iteration {aggregate.Iteration} into layout [{string.Join(", ", next.Tensors)}] but the global model has [{string.Join(", ", global.Tensors)}].");
        }

        lock (_lock)
        {
            State from = StateFor(globalModel);
            State updated = new(aggregate.Iteration, from.Tensors.Clone());
            int tensors = global.Count;
            float[][] buffers = new float[StateNames.Count][];
            for (int t = 0; t < tensors; t++)
            {
                for (int k = 0; k < buffers.Length; k++)
                {
                    buffers[k] = updated.Tensors[(k * tensors) + t].Values;
                }

                // The mean arrives in next's buffer (a snapshot the store handed over) and leaves as the next model.
                Step(global[t].Values, next[t].Values, buffers);
                if (!Aggregation.WeightedAverage.AllFinite(next[t].Values))
                {
                    return TrainingAggregation.Failure($"{GetType().Name} moved tensor '{global[t].Name}' of iteration {aggregate.Iteration} to non-finite values; lower fedsharp.server_learning_rate.");
                }
            }

            _current = from;
            _pending = updated;
        }

        return TrainingAggregation.Success(next);
    }

    /// <inheritdoc />
    public ModelParameters? ExportState(int modelIteration)
    {
        lock (_lock)
        {
            State? state = _pending?.ModelIteration == modelIteration ? _pending
                : _current?.ModelIteration == modelIteration ? _current
                : null;
            return state?.Tensors.Clone();
        }
    }

    /// <inheritdoc />
    public void RestoreState(PublishedModel globalModel, ModelParameters state)
    {
        ArgumentNullException.ThrowIfNull(globalModel);
        ArgumentNullException.ThrowIfNull(state);
        ModelParameters expected = Initial(globalModel).Tensors;
        if (!state.HasSameLayout(expected))
        {
            throw new InvalidOperationException(
                $"The saved strategy state of iteration {globalModel.Iteration} holds [{string.Join(", ", state.Tensors)}] but {GetType().Name} keeps [{string.Join(", ", expected.Tensors)}]; it was written by another fedsharp.server_optimizer or model. Set the server optimizer that wrote it, or start from a new fedsharp.checkpoint_dir.");
        }

        foreach (ParameterTensor tensor in state.Tensors)
        {
            if (!Aggregation.WeightedAverage.AllFinite(tensor.Values))
            {
                throw new InvalidOperationException($"The saved strategy state '{tensor.Name}' of iteration {globalModel.Iteration} holds non-finite values; start from a new fedsharp.checkpoint_dir.");
            }
        }

        lock (_lock)
        {
            _current = new State(globalModel.Iteration, state.Clone());
            _pending = null;
        }
    }

    /// <summary>The value every element of state buffer <paramref name="stateIndex"/> starts from. Default 0.</summary>
    /// <param name="stateIndex">Index into <see cref="StateNames"/>.</param>
    protected virtual float InitialValue(int stateIndex) => 0f;

    /// <summary>
    /// One server step on one tensor: <paramref name="next"/> holds the weighted mean on entry and must hold the next
    /// model on exit; Δ = mean − <paramref name="global"/>. <paramref name="state"/> holds this tensor's buffers, in
    /// <see cref="StateNames"/> order, as of <paramref name="global"/>, to be updated in place.
    /// </summary>
    /// <param name="global">The current global model's values.</param>
    /// <param name="next">In: the mean. Out: the next model.</param>
    /// <param name="state">This tensor's state buffers.</param>
    protected abstract void Step(ReadOnlySpan<float> global, Span<float> next, float[][] state);

    private State StateFor(PublishedModel globalModel)
    {
        if (_pending?.ModelIteration == globalModel.Iteration)
        {
            return _pending;
        }

        return _current?.ModelIteration == globalModel.Iteration ? _current : Initial(globalModel);
    }

    private State Initial(PublishedModel globalModel)
    {
        var tensors = new List<ParameterTensor>(StateNames.Count * globalModel.Parameters.Count);
        for (int k = 0; k < StateNames.Count; k++)
        {
            float initial = InitialValue(k);
            foreach (ParameterTensor tensor in globalModel.Parameters.Tensors)
            {
                float[] values = new float[tensor.Length];
                Array.Fill(values, initial);
                tensors.Add(new ParameterTensor($"{StateNames[k]}/{tensor.Name}", [.. tensor.Shape], values));
            }
        }

        return new State(globalModel.Iteration, new ModelParameters(tensors));
    }

    // Buffers as of the model of ModelIteration, state-major: buffer k of model tensor t is Tensors[k·T + t].
    private sealed record State(int ModelIteration, ModelParameters Tensors);
}
