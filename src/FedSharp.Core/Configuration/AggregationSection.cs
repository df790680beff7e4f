using FedSharp.Core.Protocol;

namespace FedSharp.Core.Configuration;

/// <summary>The <c>aggregation</c> section: how the server combines updates.</summary>
public sealed class AggregationSection
{
    /// <summary><c>aggregation.aggregation_type</c>: FedAvg, FedProx, Scaffold, FedNova or FedCM. Default FedAvg.</summary>
    public AggregationType AggregationType { get; set; } = AggregationType.FedAvg;

    /// <summary><c>aggregation.iid_rate</c>: FedProx's proximal coefficient μ, in [0, 1]. Default 0.</summary>
    public double IidRate { get; set; }

    /// <summary>
    /// <c>aggregation.total_client_num</c>: N, the number of clients of the federation, ≥ 1; SCAFFOLD's control-variate
    /// divisor (c ← c + Σ Δcᵢ / N). Null when not set: MindSpore's default is 1, but SCAFFOLD refuses to guess N, so a
    /// server needs it written; <c>fedsharp simulate</c> takes <c>simulation.clients</c>.
    /// </summary>
    public int? TotalClientNum { get; set; }
}
