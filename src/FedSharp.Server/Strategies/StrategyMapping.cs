using FedSharp.Core.Configuration;
using FedSharp.Core.Protocol;

namespace FedSharp.Server.Strategies;

/// <summary>
/// The strategy a configuration asks for: <c>aggregation.aggregation_type</c> picks how updates become a mean
/// (FedAvg, or FedProx with μ = <c>aggregation.iid_rate</c>), and <c>fedsharp.server_optimizer</c> what the server does
/// with the pseudo-gradient (nothing, FedAvgM, FedAdam, FedYogi, FedAdagrad). docs/strategies.md lists the keys.
/// </summary>
public static class StrategyMapping
{
    /// <summary>Builds the strategy of a validated configuration.</summary>
    /// <param name="configuration">The job; its keys have been validated and its refusals checked.</param>
    /// <returns>A new strategy, with fresh server-optimizer state.</returns>
    /// <exception cref="InvalidOperationException">The aggregation type is one this release refuses (<see cref="JobConfiguration.ThrowIfUnsupported"/> was skipped).</exception>
    /// <exception cref="ConfigurationException">SCAFFOLD is chosen but <c>aggregation.total_client_num</c>, its N, is not set.</exception>
    public static IStrategy FromConfiguration(JobConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IStrategy mean = configuration.Aggregation.AggregationType switch
        {
            AggregationType.FedAvg => new FedAvg(),
            AggregationType.FedProx => new FedProx(configuration.Aggregation.IidRate),
            AggregationType.Scaffold => new Scaffold(configuration.Aggregation.TotalClientNum ?? throw UnknownTotalClients()),
            AggregationType.FedNova => new FedNova(),
            AggregationType other => throw new InvalidOperationException(
                $"'aggregation.aggregation_type' is {other}, which this release does not build; call JobConfiguration.ThrowIfUnsupported before building the strategy, and use FedAvg, FedProx, Scaffold or FedNova."),
        };

        if (mean is Scaffold or FedNova && configuration.FedSharp.ServerOptimizer != ServerOptimizerKind.None)
        {
            throw new InvalidOperationException(
                $"'fedsharp.server_optimizer' is {configuration.FedSharp.ServerOptimizer} with 'aggregation.aggregation_type' {configuration.Aggregation.AggregationType}, whose server step is its own; validate the configuration (JobConfiguration.Validate) before building the strategy.");
        }

        FedSharpSection keys = configuration.FedSharp;
        var options = new ServerOptimizerOptions
        {
            LearningRate = keys.ServerLearningRate,
            Momentum = keys.ServerMomentum,
            Beta1 = keys.ServerBeta1,
            Beta2 = keys.ServerBeta2,
            Tau = keys.ServerTau,
        };
        return keys.ServerOptimizer switch
        {
            ServerOptimizerKind.None => mean,
            ServerOptimizerKind.Momentum => new FedAvgM(mean, options),
            ServerOptimizerKind.Adam => new FedAdam(mean, options),
            ServerOptimizerKind.Yogi => new FedYogi(mean, options),
            ServerOptimizerKind.Adagrad => new FedAdagrad(mean, options),
            _ => throw new InvalidOperationException($"'fedsharp.server_optimizer' is {keys.ServerOptimizer}, which has no strategy; this is a bug in {nameof(StrategyMapping)}."),
        };
    }

    // SCAFFOLD divides the sum of the control-variate changes by every client of the federation, which only the
    // operator knows: MindSpore's default of 1 would make c jump by the sum instead of |S|/N of the mean.
    private static ConfigurationException UnknownTotalClients()
        => new(
            "<configuration>",
            [new ConfigurationError(
                "aggregation.total_client_num",
                "<configuration>",
                0,
                0,
                "'aggregation.total_client_num' is not set but 'aggregation.aggregation_type' is Scaffold, which divides the control variates' changes by the number of clients of the federation (N); set aggregation.total_client_num to that number.")]);
}
