using FedSharp.Core.Protocol;

namespace FedSharp.Core.Configuration;

/// <summary>The <c>aggregation</c> section: how the server combines updates.</summary>
public sealed class AggregationSection
{
    /// <summary><c>aggregation.aggregation_type</c>: FedAvg, FedProx, Scaffold, FedNova or FedCM. Default FedAvg.</summary>
    public AggregationType AggregationType { get; set; } = AggregationType.FedAvg;

    /// <summary><c>aggregation.iid_rate</c>: FedProx's proximal coefficient μ, in [0, 1]. Default 0.</summary>
    public double IidRate { get; set; }

    /// <summary><c>aggregation.total_client_num</c>: Scaffold's control-variate divisor, ≥ 1. Default 1.</summary>
    public int TotalClientNum { get; set; } = 1;
}
