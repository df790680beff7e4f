using FedSharp.Core.Models;
using FedSharp.Server.Stores;

namespace FedSharp.Server.Strategies;

/// <summary>
/// FedProx (Li et al., 2020): the server aggregates exactly as <see cref="FedAvg"/> and sends μ in the plan's
/// <c>strategy</c> field <c>proximal_mu</c>; each device adds the proximal term μ/2·‖w − w_global‖² to its local loss,
/// which keeps clients with skewed data from drifting far from the global model. μ = 0 trains as FedAvg.
/// </summary>
public sealed class FedProx : IStrategy
{
    private readonly FedAvg _fedAvg = new();
    private readonly StrategyParameters _plan;

    /// <summary>Creates the strategy.</summary>
    /// <param name="proximalMu">μ, finite and at least 0 (MindSpore's <c>aggregation.iid_rate</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="proximalMu"/> is negative or not finite.</exception>
    public FedProx(double proximalMu)
    {
        if (!(proximalMu >= 0) || !double.IsFinite(proximalMu))
        {
            throw new ArgumentOutOfRangeException(nameof(proximalMu), proximalMu, $"FedProx's μ is {proximalMu}; it must be finite and at least 0 (aggregation.iid_rate).");
        }

        ProximalMu = proximalMu;
        _plan = new StrategyParameters(new Dictionary<string, double> { [StrategyFieldNames.ProximalMu] = proximalMu });
    }

    /// <summary>The proximal coefficient μ sent to every participant.</summary>
    public double ProximalMu { get; }

    /// <inheritdoc />
    public TrainingPlan ConfigureTraining(int iteration, PublishedModel globalModel)
    {
        ArgumentNullException.ThrowIfNull(globalModel);

        // μ travels even when it is 0, so a device that cannot add the proximal term refuses the plan instead of
        // guessing from FLPlan.aggregation alone.
        return new TrainingPlan(iteration, globalModel, _plan);
    }

    /// <inheritdoc />
    public TrainingAggregation AggregateTraining(IterationAggregate aggregate, PublishedModel globalModel)
        => _fedAvg.AggregateTraining(aggregate, globalModel);

    /// <inheritdoc />
    public EvaluationPlan? ConfigureEvaluation(int iteration, PublishedModel globalModel)
        => _fedAvg.ConfigureEvaluation(iteration, globalModel);

    /// <inheritdoc />
    public EvaluationSummary AggregateEvaluation(IterationAggregate? aggregate)
        => _fedAvg.AggregateEvaluation(aggregate);
}
