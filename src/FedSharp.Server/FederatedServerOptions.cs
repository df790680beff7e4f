using FedSharp.Core.Configuration;
using FedSharp.Core.Models;
using FedSharp.Server.Stores;
using FedSharp.Server.Strategies;

namespace FedSharp.Server;

/// <summary>
/// What a <see cref="FederatedServer"/> is built from: the job, the initial model, and the pieces a deployment swaps —
/// the stores that hold the shared state (in memory for one server; shared ones for a cluster), the aggregation
/// strategy, the clock, and where checkpoints and traffic logs go.
/// </summary>
public sealed class FederatedServerOptions
{
    /// <summary>The job; validated, and refused where it asks for what this release does not build. Required.</summary>
    public JobConfiguration? Configuration { get; set; }

    /// <summary>The model of iteration 0; it also fixes the layout every update must have. Required.</summary>
    public ModelParameters? InitialModel { get; set; }

    /// <summary>The clock and timers of the round windows. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>The shared round state. Default: a new <see cref="InMemoryRoundStore"/> (this server alone).</summary>
    public IRoundStore? RoundStore { get; set; }

    /// <summary>The iterations' running sums. Default: a new <see cref="InMemoryUpdateStore"/>.</summary>
    public IUpdateStore? UpdateStore { get; set; }

    /// <summary>The published global model. Default: a new <see cref="InMemoryModelStore"/>.</summary>
    public IModelStore? ModelStore { get; set; }

    /// <summary>
    /// How updates become the next model. Default null: the configuration's — the robust rule of
    /// <c>fedsharp.robust_aggregation</c> (<see cref="RobustAggregation.FromConfiguration"/>), else
    /// <see cref="StrategyMapping.FromConfiguration"/> (<c>aggregation.aggregation_type</c> and
    /// <c>fedsharp.server_optimizer</c>, FedAvg when none is set). Setting both this and a robust rule is refused.
    /// </summary>
    public IStrategy? Strategy { get; set; }

    /// <summary>
    /// The folder under which the job's checkpoints go (one subfolder per <c>fl_name</c>); a restarted server resumes
    /// from the newest readable one. Default null: the configuration's <c>fedsharp.checkpoint_dir</c>.
    /// </summary>
    public string? CheckpointDirectory { get; set; }

    /// <summary>
    /// Names this server in its traffic log's file name (<c>summary.data_rate_dir</c>), as MindSpore names it by
    /// address. Default null: the job's <c>fl_name</c>.
    /// </summary>
    public string? ServerName { get; set; }

    /// <summary>Throws, naming the option and the fix, when a required option is missing.</summary>
    /// <exception cref="ArgumentException">A required option is null.</exception>
    public void Validate()
    {
        if (Configuration is null)
        {
            throw new ArgumentException($"{nameof(FederatedServerOptions)}.{nameof(Configuration)} is null; load the job with JobConfiguration.Load.", nameof(Configuration));
        }

        if (InitialModel is null)
        {
            throw new ArgumentException($"{nameof(FederatedServerOptions)}.{nameof(InitialModel)} is null; give the model of iteration 0 (for example from the model zoo).", nameof(InitialModel));
        }

        if (Strategy is not null && Configuration.FedSharp.RobustAggregation != RobustAggregationRule.None)
        {
            throw new ArgumentException(
                $"{nameof(FederatedServerOptions)}.{nameof(Strategy)} is {Strategy.GetType().Name} but the configuration's 'fedsharp.robust_aggregation' also chooses a strategy; set robust_aggregation: none or leave {nameof(Strategy)} null.",
                nameof(Strategy));
        }

        if (Time is null)
        {
            throw new ArgumentException($"{nameof(FederatedServerOptions)}.{nameof(Time)} is null; use TimeProvider.System.", nameof(Time));
        }
    }
}
