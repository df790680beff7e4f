namespace FedSharp.Core.Configuration;

/// <summary>
/// What the server does with the pseudo-gradient Δ = (weighted mean of the updates) − (global model)
/// (<c>fedsharp.server_optimizer</c>); see docs/strategies.md.
/// </summary>
public enum ServerOptimizerKind
{
    /// <summary><c>none</c>: the weighted mean is the next model (FedAvg, FedProx).</summary>
    None,

    /// <summary><c>momentum</c>: FedAvgM (Hsu et al., 2019), server momentum on Δ.</summary>
    Momentum,

    /// <summary><c>adam</c>: FedAdam (Reddi et al., 2021).</summary>
    Adam,

    /// <summary><c>yogi</c>: FedYogi (Reddi et al., 2021).</summary>
    Yogi,

    /// <summary><c>adagrad</c>: FedAdagrad (Reddi et al., 2021).</summary>
    Adagrad,
}
