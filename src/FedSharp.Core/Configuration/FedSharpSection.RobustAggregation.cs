namespace FedSharp.Core.Configuration;

/// <summary>The keys of <c>fedsharp</c> that choose and tune the server's Byzantine-robust aggregation (docs/robust-aggregation.md).</summary>
public sealed partial class FedSharpSection
{
    /// <summary>
    /// <c>fedsharp.robust_aggregation</c>: <c>none</c>, <c>median</c>, <c>trimmed_mean</c>, <c>krum</c> or
    /// <c>multi_krum</c>. Default none (FedAvg).
    /// </summary>
    public RobustAggregationRule RobustAggregation { get; set; } = RobustAggregationRule.None;

    /// <summary>
    /// <c>fedsharp.trimmed_mean_beta</c>: fraction β of every coordinate's values cut from each end by
    /// <c>trimmed_mean</c>, in (0, 0.5). Default 0.2 (Flower's FedTrimmedAvg).
    /// </summary>
    public double TrimmedMeanBeta { get; set; } = 0.2;

    /// <summary>
    /// <c>fedsharp.krum_byzantine</c>: f, the Byzantine clients <c>krum</c> and <c>multi_krum</c> tolerate, in
    /// [0, 1000000]; the iteration needs at least 2f + 3 updates. Default 0.
    /// </summary>
    public int KrumByzantine { get; set; }

    /// <summary>
    /// <c>fedsharp.multi_krum_selected</c>: m, the updates <c>multi_krum</c> averages, in [0, 1000000]; 0 means n − f.
    /// Default 0.
    /// </summary>
    public int MultiKrumSelected { get; set; }
}
