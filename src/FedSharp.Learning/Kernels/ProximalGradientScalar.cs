namespace FedSharp.Learning.Kernels;

/// <summary>The element-by-element twin of <see cref="ProximalGradient"/>, the test oracle for its vector loop.</summary>
public static class ProximalGradientScalar
{
    /// <summary>gradient[i] += mu × (parameters[i] − anchor[i]); same contract as <see cref="ProximalGradient.Add"/>.</summary>
    /// <param name="mu">The proximal coefficient μ.</param>
    /// <param name="parameters">θ.</param>
    /// <param name="anchor">θ₀.</param>
    /// <param name="gradient">The gradient, updated in place.</param>
    public static void Add(float mu, ReadOnlySpan<float> parameters, ReadOnlySpan<float> anchor, Span<float> gradient)
    {
        CheckLengths(parameters, anchor, gradient);
        for (int i = 0; i < parameters.Length; i++)
        {
            gradient[i] += (parameters[i] - anchor[i]) * mu;
        }
    }

    internal static void CheckLengths(ReadOnlySpan<float> parameters, ReadOnlySpan<float> anchor, Span<float> gradient)
    {
        if (anchor.Length != parameters.Length || gradient.Length != parameters.Length)
        {
            throw new ArgumentException(
                $"The parameters hold {parameters.Length} values, the anchor {anchor.Length} and the gradient {gradient.Length}; all three must describe the same tensor.",
                nameof(anchor));
        }
    }
}
