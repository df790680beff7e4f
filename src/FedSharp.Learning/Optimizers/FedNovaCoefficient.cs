namespace FedSharp.Learning.Optimizers;

/// <summary>
/// FedNova's normalizing coefficient (Wang et al., 2020): the L1 norm aᵢ of the vector that weighs a device's τ local
/// gradients in its change of weights. Plain SGD weighs each step once, so aᵢ = τ; SGD with momentum ρ weighs step k
/// by (1 − ρ^(τ−k))/(1 − ρ), which sums to (τ − ρ(1 − ρ^τ)/(1 − ρ))/(1 − ρ), NIID-Bench's <c>a_i</c>.
/// </summary>
public static class FedNovaCoefficient
{
    /// <summary>aᵢ for <paramref name="steps"/> local steps of SGD with momentum <paramref name="momentum"/>.</summary>
    /// <param name="steps">τ, 1 or more.</param>
    /// <param name="momentum">ρ in [0, 1); 0 is plain SGD.</param>
    /// <returns>aᵢ, at least 1.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static double Compute(int steps, double momentum)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        if (!(momentum >= 0 && momentum < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"FedNova's momentum ρ is {momentum}; it must lie in [0, 1).");
        }

        return momentum == 0
            ? steps
            : (steps - (momentum * (1 - Math.Pow(momentum, steps)) / (1 - momentum))) / (1 - momentum);
    }
}
