using System.Numerics;

namespace FedSharp.Learning.Kernels;

/// <summary>
/// The gradient of the proximal term μ/2·‖θ − θ₀‖² (FedProx, Li et al. 2020), added to a loss gradient in place:
/// gradient[i] += μ·(θ[i] − θ₀[i]). <see cref="ProximalGradientScalar"/> is the loop-by-loop twin and test oracle.
/// </summary>
public static class ProximalGradient
{
    /// <summary>gradient[i] += mu × (parameters[i] − anchor[i]). Allocates nothing.</summary>
    /// <param name="mu">The proximal coefficient μ.</param>
    /// <param name="parameters">θ, the values being trained.</param>
    /// <param name="anchor">θ₀, the values the term pulls towards (the global model).</param>
    /// <param name="gradient">The loss gradient of θ, updated in place.</param>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Add(float mu, ReadOnlySpan<float> parameters, ReadOnlySpan<float> anchor, Span<float> gradient)
    {
        ProximalGradientScalar.CheckLengths(parameters, anchor, gradient);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            // Lane j of each vector is element i + j of all three spans; the same subtract, multiply and add as the
            // scalar loop, unfused, so both round identically.
            var scale = new Vector<float>(mu);
            for (; i <= parameters.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var difference = new Vector<float>(parameters[i..]) - new Vector<float>(anchor[i..]);
                (new Vector<float>(gradient[i..]) + (difference * scale)).CopyTo(gradient[i..]);
            }
        }

        for (; i < parameters.Length; i++)
        {
            gradient[i] += (parameters[i] - anchor[i]) * mu;
        }
    }
}
