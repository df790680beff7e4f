using FedSharp.Core.Models;
using FedSharp.Server.Aggregation;
using FedSharp.Server.Stores;

namespace FedSharp.Server.Strategies;

/// <summary>
/// FedNova (Wang et al., 2020), normalized averaging, as NIID-Bench runs it. The plan asks devices to report their
/// number of local steps τᵢ and the norm aᵢ of their normalizing vector (τᵢ for plain SGD,
/// (τᵢ − ρ(1 − ρ^τᵢ)/(1 − ρ))/(1 − ρ) with momentum ρ). With pᵢ = nᵢ/Σ nⱼ the server computes
/// d = Σ pᵢ·(w − wᵢ)/aᵢ and τ_eff = Σ pᵢ·aᵢ, and moves w ← w − τ_eff·d. With equal aᵢ this is FedAvg.
/// </summary>
/// <remarks>
/// The update store sums what it is given, so each update is turned into its normalized change (w − wᵢ)/aᵢ in
/// <see cref="ReviewUpdate"/>, where the global model the device trained from is at hand, and aᵢ is appended as one
/// value (<see cref="ReservedTensorNames.NormalizingCoefficient"/>) that the weighted sum turns into Σ nᵢ·aᵢ. MindSpore's
/// server divides by (start_fl_job_threshold / update_model_ratio)² instead of weighing by data size; this follows
/// NIID-Bench and the paper.
/// </remarks>
public sealed class FedNova : IStrategy
{
    private static readonly StrategyParameters s_plan = new(new Dictionary<string, double> { [StrategyFieldNames.ReportLocalSteps] = 1 });
    private readonly FedAvg _fedAvg = new();

    /// <inheritdoc />
    public bool ReviewsUpdates => true;

    /// <inheritdoc />
    public TrainingPlan ConfigureTraining(int iteration, PublishedModel globalModel)
    {
        ArgumentNullException.ThrowIfNull(globalModel);
        return new TrainingPlan(iteration, globalModel, s_plan);
    }

    /// <inheritdoc />
    public string? CheckReportedFields(ClientUpdate update, ModelParameters layout)
    {
        ArgumentNullException.ThrowIfNull(update);
        StrategyParameters fields = update.Strategy;
        if (fields.Tensors is { Count: > 0 } tensors)
        {
            return $"FedNova takes no strategy tensors but the update carries {string.Join(", ", tensors.Tensors.Select(t => $"'{t.Name}'"))}; send the scalars '{StrategyFieldNames.LocalSteps}' and '{StrategyFieldNames.NormalizingCoefficient}'";
        }

        if (!fields.Scalars.TryGetValue(StrategyFieldNames.LocalSteps, out double steps) || !fields.Scalars.TryGetValue(StrategyFieldNames.NormalizingCoefficient, out double a))
        {
            return $"FedNova needs the strategy scalars '{StrategyFieldNames.LocalSteps}' (τ) and '{StrategyFieldNames.NormalizingCoefficient}' (a) with the update, but it carries [{string.Join(", ", fields.Scalars.Keys)}]; use a trainer that claims the strategy field '{StrategyFieldNames.ReportLocalSteps}'";
        }

        string? other = fields.Scalars.Keys.FirstOrDefault(k => k is not (StrategyFieldNames.LocalSteps or StrategyFieldNames.NormalizingCoefficient));
        if (other is not null)
        {
            return $"FedNova takes the strategy scalars '{StrategyFieldNames.LocalSteps}' and '{StrategyFieldNames.NormalizingCoefficient}' only, but the update also carries '{other}'";
        }

        if (!(steps >= 1) || steps != Math.Floor(steps) || steps > int.MaxValue)
        {
            return $"strategy scalar '{StrategyFieldNames.LocalSteps}' is {steps}; the number of local steps τ is a whole number, 1 or more";
        }

        // a = τ without momentum and grows towards τ/(1 − ρ) with it; a lies in [1, ∞) for τ ≥ 1 whatever ρ ∈ [0, 1).
        if (!(a >= 1) || a > float.MaxValue)
        {
            return $"strategy scalar '{StrategyFieldNames.NormalizingCoefficient}' is {a}; FedNova's a is at least 1 for τ ≥ 1 local steps (τ without momentum)";
        }

        return null;
    }

    /// <inheritdoc />
    public UpdateReview ReviewUpdate(ClientUpdate update, PublishedModel globalModel)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(globalModel);
        if (!update.Parameters.HasSameLayout(globalModel.Parameters))
        {
            return UpdateReview.Refuse($"the update's layout differs from the global model of iteration {globalModel.Iteration}; train from the model of the startFLJob reply");
        }

        double a = update.Strategy.Scalars[StrategyFieldNames.NormalizingCoefficient];
        for (int t = 0; t < update.Parameters.Count; t++)
        {
            // NIID-Bench's norm_grad = (w_global − w_local) / a, in float32.
            Span<float> local = update.Parameters[t].Values;
            ReadOnlySpan<float> global = globalModel.Parameters[t].Values;
            float divisor = (float)a;
            for (int i = 0; i < local.Length; i++)
            {
                local[i] = (global[i] - local[i]) / divisor;
            }
        }

        return UpdateReview.Accept;
    }

    /// <inheritdoc />
    public ClientUpdate PrepareForAccumulation(ClientUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        float a = (float)update.Strategy.Scalars[StrategyFieldNames.NormalizingCoefficient];
        var tensors = new List<ParameterTensor>(update.Parameters.Count + 1);
        tensors.AddRange(update.Parameters.Tensors);
        tensors.Add(new ParameterTensor(ReservedTensorNames.NormalizingCoefficient, [1], [a]));
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
        if (sum.Count != count + 1 || sum[count].Name != ReservedTensorNames.NormalizingCoefficient || sum[count].Length != 1)
        {
            return TrainingAggregation.Failure($"the sum of iteration {aggregate.Iteration} holds [{string.Join(", ", sum.Tensors)}] but FedNova needs the model's {count} tensors and '{ReservedTensorNames.NormalizingCoefficient}'; the update store held updates that were not prepared for FedNova.");
        }

        // d = Σ pᵢ·dᵢ: the weighted mean of the normalized changes, divided in place as FedAvg divides.
        var normalized = new ModelParameters(sum.Tensors.Take(count));
        var changes = new IterationAggregate(
            aggregate.Iteration, normalized, aggregate.TotalWeight, aggregate.Contributors,
            aggregate.LossWeightedSum, aggregate.LossWeight, aggregate.AccuracyWeightedSum, aggregate.AccuracyWeight);
        TrainingAggregation mean = _fedAvg.AggregateTraining(changes, globalModel);
        if (!mean.Succeeded)
        {
            return mean;
        }

        double tauEffective = (double)sum[count].Values[0] / aggregate.TotalWeight;
        ModelParameters d = mean.Parameters;
        for (int t = 0; t < count; t++)
        {
            Span<float> next = d[t].Values;
            ReadOnlySpan<float> w = global[t].Values;
            for (int i = 0; i < next.Length; i++)
            {
                next[i] = (float)(w[i] - (tauEffective * next[i]));
            }

            if (!WeightedAverage.AllFinite(next))
            {
                return TrainingAggregation.Failure($"FedNova moved tensor '{global[t].Name}' of iteration {aggregate.Iteration} to non-finite values (τ_eff = {tauEffective}); lower client.client_learning_rate.");
            }
        }

        return TrainingAggregation.Success(d);
    }

    /// <inheritdoc />
    public EvaluationPlan? ConfigureEvaluation(int iteration, PublishedModel globalModel) => _fedAvg.ConfigureEvaluation(iteration, globalModel);

    /// <inheritdoc />
    public EvaluationSummary AggregateEvaluation(IterationAggregate? aggregate) => _fedAvg.AggregateEvaluation(aggregate);
}
