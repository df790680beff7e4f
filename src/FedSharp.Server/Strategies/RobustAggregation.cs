using FedSharp.Core.Configuration;

namespace FedSharp.Server.Strategies;

/// <summary>The Byzantine-robust strategy that <c>fedsharp.robust_aggregation</c> and its parameters choose.</summary>
public static class RobustAggregation
{
    /// <summary>
    /// <see cref="FedMedian"/>, <see cref="TrimmedMean"/>, <see cref="Krum"/> or <see cref="MultiKrum"/> with the
    /// configured β, f and m; null for <c>none</c>. The loader has already refused parameters of rules not chosen and
    /// thresholds too small for f (docs/configuration.md, rules between keys).
    /// </summary>
    /// <param name="configuration">A validated job configuration.</param>
    /// <returns>The strategy, or null when no robust rule is chosen.</returns>
    public static IStrategy? FromConfiguration(JobConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        FedSharpSection settings = configuration.FedSharp;
        return settings.RobustAggregation switch
        {
            RobustAggregationRule.None => null,
            RobustAggregationRule.Median => new FedMedian(),
            RobustAggregationRule.TrimmedMean => new TrimmedMean(settings.TrimmedMeanBeta),
            RobustAggregationRule.Krum => new Krum(settings.KrumByzantine),
            RobustAggregationRule.MultiKrum => new MultiKrum(settings.KrumByzantine, settings.MultiKrumSelected),
            _ => throw new ArgumentOutOfRangeException(nameof(configuration), settings.RobustAggregation, "Unknown fedsharp.robust_aggregation; this is a bug in the schema."),
        };
    }
}
