using FedSharp.Core.Models;
using FedSharp.Server.Aggregation;
using FedSharp.Server.Stores;

namespace FedSharp.Server.Strategies;

/// <summary>
/// SCAFFOLD (Karimireddy et al., 2020), option II, as NIID-Bench runs it. The plan carries the server control variate
/// c (tensors <c>c/{name}</c>); each device keeps its own cᵢ, moves its weights by −η·(c − cᵢ) after every local step,
/// then reports Δcᵢ = cᵢ⁺ − cᵢ with cᵢ⁺ = cᵢ − c + (w − wᵢ)/(K·η) (tensors <c>delta_c/{name}</c>). The server takes
/// the data-size-weighted mean of the weights as the next model (η_g = 1, as NIID-Bench) and moves
/// c ← c + Σ Δcᵢ / N, N being every client of the federation (<c>aggregation.total_client_num</c>), so c moves by
/// |S|/N times the unweighted mean of the participants' Δcᵢ.
/// </summary>
/// <remarks>
/// Δcᵢ rides in the update store's weighted sum: <see cref="PrepareForAccumulation"/> appends Δcᵢ/nᵢ after the model's
/// tensors (<see cref="ReservedTensorNames.ControlVariateDelta"/>), which the sum weighs back to Δcᵢ, so every
/// <see cref="IUpdateStore"/> holds Σ Δcᵢ without knowing about SCAFFOLD; the division costs at most one float32
/// rounding per value (none when nᵢ is a power of two). c is kept per model, as <see cref="FedOpt"/> keeps its moments,
/// and travels through checkpoints as tensors <c>c/{name}</c>.
/// </remarks>
public sealed class Scaffold : IStatefulStrategy
{
    private readonly FedAvg _fedAvg = new();
    private readonly Lock _lock = new();
    private State? _current;
    private State? _pending;

    /// <summary>Creates the strategy.</summary>
    /// <param name="totalClients">N, the number of clients of the federation (not per iteration); 1 or more.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="totalClients"/> is less than 1.</exception>
    public Scaffold(int totalClients)
    {
        if (totalClients < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(totalClients), totalClients, $"SCAFFOLD's N is {totalClients}; it must be the number of clients of the federation, 1 or more (aggregation.total_client_num).");
        }

        TotalClients = totalClients;
    }

    /// <summary>N, the number of clients of the federation, that divides the sum of the control-variate changes.</summary>
    public int TotalClients { get; }

    /// <inheritdoc />
    public TrainingPlan ConfigureTraining(int iteration, PublishedModel globalModel)
    {
        ArgumentNullException.ThrowIfNull(globalModel);
        lock (_lock)
        {
            return new TrainingPlan(iteration, globalModel, StateFor(globalModel).Plan);
        }
    }

    /// <inheritdoc />
    public string? CheckReportedFields(ClientUpdate update, ModelParameters layout)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(layout);
        StrategyParameters fields = update.Strategy;
        if (fields.Scalars.Count > 0)
        {
            return $"SCAFFOLD takes no strategy scalars but the update carries {string.Join(", ", fields.Scalars.Keys.Select(k => $"'{k}'"))}; send only the tensors '{StrategyFieldNames.ControlVariateDelta}/<tensor name>'";
        }

        ModelParameters? deltas = fields.Tensors;
        if (deltas is null || deltas.Count != layout.Count)
        {
            return $"SCAFFOLD needs the change of the device's control variate as one strategy tensor '{StrategyFieldNames.ControlVariateDelta}/<tensor name>' per model tensor ({layout.Count}), but the update carries {deltas?.Count ?? 0}; use a trainer that claims the strategy field '{StrategyFieldNames.ControlVariate}'";
        }

        foreach (ParameterTensor tensor in layout.Tensors)
        {
            string name = StrategyFieldNames.TensorName(StrategyFieldNames.ControlVariateDelta, tensor.Name);
            if (!deltas.TryGet(name, out ParameterTensor? delta))
            {
                return $"strategy tensor '{name}' is missing; SCAFFOLD needs one '{StrategyFieldNames.ControlVariateDelta}/<tensor name>' per model tensor";
            }

            if (!delta.Shape.SequenceEqual(tensor.Shape))
            {
                return $"strategy tensor '{name}' has shape [{string.Join(", ", delta.Shape.ToArray())}]; the model expects [{string.Join(", ", tensor.Shape.ToArray())}]";
            }
        }

        return null;
    }

    /// <inheritdoc />
    public ClientUpdate PrepareForAccumulation(ClientUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        ModelParameters deltas = update.Strategy.Tensors
            ?? throw new InvalidOperationException($"The update of client '{update.ClientId}' for iteration {update.Iteration} reached accumulation without SCAFFOLD's control-variate change; {nameof(CheckReportedFields)} should have refused it.");

        // The store multiplies by nᵢ; dividing first makes its weighted sum the plain Σ Δcᵢ of NIID-Bench and the paper.
        float inverseWeight = 1f / update.DataSize;
        var tensors = new List<ParameterTensor>(2 * update.Parameters.Count);
        tensors.AddRange(update.Parameters.Tensors);
        foreach (ParameterTensor tensor in update.Parameters.Tensors)
        {
            deltas.TryGet(StrategyFieldNames.TensorName(StrategyFieldNames.ControlVariateDelta, tensor.Name), out ParameterTensor? delta);
            float[] scaled = new float[tensor.Length];
            ReadOnlySpan<float> values = delta!.Values;
            for (int i = 0; i < scaled.Length; i++)
            {
                scaled[i] = values[i] * inverseWeight;
            }

            tensors.Add(new ParameterTensor(ReservedTensorNames.ControlVariateDelta(tensor.Name), [.. tensor.Shape], scaled));
        }

        return new ClientUpdate(update.ClientId, update.Iteration, new ModelParameters(tensors), update.DataSize, update.Loss, update.Accuracy);
    }

    /// <inheritdoc />
    public TrainingAggregation AggregateTraining(IterationAggregate aggregate, PublishedModel globalModel)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        ArgumentNullException.ThrowIfNull(globalModel);
        ModelParameters global = globalModel.Parameters;
        ModelParameters sum = aggregate.WeightedSum;
        int count = global.Count;
        if (sum.Count != 2 * count)
        {
            return TrainingAggregation.Failure($"the sum of iteration {aggregate.Iteration} holds {sum.Count} tensors but SCAFFOLD needs the model's {count} and as many control-variate changes; the update store held updates that were not prepared for SCAFFOLD.");
        }

        var model = new ModelParameters(sum.Tensors.Take(count));
        var weightsOnly = new IterationAggregate(
            aggregate.Iteration, model, aggregate.TotalWeight, aggregate.Contributors,
            aggregate.LossWeightedSum, aggregate.LossWeight, aggregate.AccuracyWeightedSum, aggregate.AccuracyWeight);
        TrainingAggregation mean = _fedAvg.AggregateTraining(weightsOnly, globalModel);
        if (!mean.Succeeded)
        {
            return mean;
        }

        for (int t = 0; t < count; t++)
        {
            if (sum[count + t].Name != ReservedTensorNames.ControlVariateDelta(global[t].Name) || !sum[count + t].Shape.SequenceEqual(global[t].Shape))
            {
                return TrainingAggregation.Failure($"tensor {count + t} of the sum of iteration {aggregate.Iteration} is {sum[count + t]} but SCAFFOLD expects the control-variate change of {global[t]}.");
            }
        }

        lock (_lock)
        {
            State from = StateFor(globalModel);
            ModelParameters c = from.Tensors.Clone();
            float divisor = TotalClients;
            for (int t = 0; t < count; t++)
            {
                Span<float> values = c[t].Values;
                ReadOnlySpan<float> deltaSum = sum[count + t].Values;
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] += deltaSum[i] / divisor;
                }

                if (!WeightedAverage.AllFinite(values))
                {
                    return TrainingAggregation.Failure($"SCAFFOLD's control variate '{c[t].Name}' moved to non-finite values in iteration {aggregate.Iteration}; a device reported an overflowing change (lower client.client_learning_rate).");
                }
            }

            _current = from;
            _pending = new State(aggregate.Iteration, c);
        }

        return mean;
    }

    /// <inheritdoc />
    public EvaluationPlan? ConfigureEvaluation(int iteration, PublishedModel globalModel) => _fedAvg.ConfigureEvaluation(iteration, globalModel);

    /// <inheritdoc />
    public EvaluationSummary AggregateEvaluation(IterationAggregate? aggregate) => _fedAvg.AggregateEvaluation(aggregate);

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
                $"The saved strategy state of iteration {globalModel.Iteration} holds [{string.Join(", ", state.Tensors)}] but SCAFFOLD keeps its control variate as [{string.Join(", ", expected.Tensors)}]; it was written by another strategy or model. Use the aggregation_type and server_optimizer that wrote it, or start from a new fedsharp.checkpoint_dir.");
        }

        foreach (ParameterTensor tensor in state.Tensors)
        {
            if (!WeightedAverage.AllFinite(tensor.Values))
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

    // Called under _lock. A model this strategy holds no c for (a fresh start, or a checkpoint without state) starts at 0.
    private State StateFor(PublishedModel globalModel)
    {
        if (_pending?.ModelIteration == globalModel.Iteration)
        {
            return _pending;
        }

        if (_current?.ModelIteration == globalModel.Iteration)
        {
            return _current;
        }

        _current = Initial(globalModel);
        return _current;
    }

    private static State Initial(PublishedModel globalModel)
        => new(globalModel.Iteration, new ModelParameters(globalModel.Parameters.Tensors.Select(
            t => new ParameterTensor(StrategyFieldNames.TensorName(StrategyFieldNames.ControlVariate, t.Name), [.. t.Shape], new float[t.Length]))));

    // c as of the model of ModelIteration, named c/{tensor}; the plan shares its tensors, which are never written
    // again (aggregation writes a clone).
    private sealed class State(int modelIteration, ModelParameters tensors)
    {
        public int ModelIteration { get; } = modelIteration;

        public ModelParameters Tensors { get; } = tensors;

        public StrategyParameters Plan { get; } = new(new Dictionary<string, double>(), tensors);
    }
}
