namespace FedSharp.Core.Configuration;

/// <summary>The server's Byzantine-robust aggregation rule (<c>fedsharp.robust_aggregation</c>).</summary>
public enum RobustAggregationRule
{
    /// <summary><c>none</c>: the aggregation of <c>aggregation.aggregation_type</c> (FedAvg's weighted mean).</summary>
    None,

    /// <summary><c>median</c>: coordinate-wise median.</summary>
    Median,

    /// <summary><c>trimmed_mean</c>: coordinate-wise mean without the β fraction highest and lowest values.</summary>
    TrimmedMean,

    /// <summary><c>krum</c>: the one update closest to its n − f − 2 nearest others (Blanchard et al. 2017).</summary>
    Krum,

    /// <summary><c>multi_krum</c>: the mean of the m updates with the best Krum scores.</summary>
    MultiKrum,
}
