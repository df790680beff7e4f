namespace FedSharp.Core.Models;

/// <summary>
/// Names of the strategy fields FedSharp's strategies send in the plan (<c>FLPlan.strategy</c>) and devices report in
/// their update (<c>UpdateModelRequest.strategy</c>), declared once so that the server and the device cannot spell
/// them differently. A tensor field is sent as one tensor per model tensor, named <c>{field}/{model tensor name}</c>.
/// </summary>
public static class StrategyFieldNames
{
    /// <summary>FedProx's proximal coefficient μ ≥ 0 (plan): local training minimises loss + μ/2·‖w − w_global‖².</summary>
    public const string ProximalMu = "proximal_mu";

    /// <summary>SCAFFOLD's server control variate c (plan tensors <c>c/{name}</c>): each local step moves the weights by −η·(c − cᵢ).</summary>
    public const string ControlVariate = "c";

    /// <summary>SCAFFOLD's change of the device's control variate, Δcᵢ = cᵢ⁺ − cᵢ (update tensors <c>delta_c/{name}</c>).</summary>
    public const string ControlVariateDelta = "delta_c";

    /// <summary>FedNova's request (plan scalar, 1): report <see cref="LocalSteps"/> and <see cref="NormalizingCoefficient"/> with the update.</summary>
    public const string ReportLocalSteps = "report_local_steps";

    /// <summary>FedNova's τᵢ (update scalar): the number of local optimizer steps the device took, at least 1.</summary>
    public const string LocalSteps = "local_steps";

    /// <summary>
    /// FedNova's aᵢ (update scalar): the norm of the device's normalizing vector, (τ − ρ(1 − ρ^τ)/(1 − ρ))/(1 − ρ) for
    /// SGD with momentum ρ, τ without momentum; positive.
    /// </summary>
    public const string NormalizingCoefficient = "normalizing_coefficient";

    /// <summary>The name of the tensor of field <paramref name="field"/> that belongs to model tensor <paramref name="tensorName"/>.</summary>
    /// <param name="field">A tensor field such as <see cref="ControlVariate"/>.</param>
    /// <param name="tensorName">The model tensor's name.</param>
    /// <returns><c>{field}/{tensorName}</c>.</returns>
    public static string TensorName(string field, string tensorName) => $"{field}/{tensorName}";
}
