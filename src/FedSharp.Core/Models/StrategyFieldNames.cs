namespace FedSharp.Core.Models;

/// <summary>
/// Names of the plan's strategy fields (<c>FLPlan.strategy</c>) that FedSharp's strategies send and its trainers
/// claim, declared once so that the server and the device cannot spell them differently.
/// </summary>
public static class StrategyFieldNames
{
    /// <summary>FedProx's proximal coefficient μ ≥ 0: local training minimises loss + μ/2·‖w − w_global‖².</summary>
    public const string ProximalMu = "proximal_mu";
}
