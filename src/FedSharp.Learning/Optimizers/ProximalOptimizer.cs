using FedSharp.Learning.Kernels;
using FedSharp.Learning.Layers;

namespace FedSharp.Learning.Optimizers;

/// <summary>
/// Adds the proximal term μ/2·‖θ − θ₀‖² to the loss being minimised by another optimizer: each step first adds its
/// gradient μ·(θ − θ₀) to every parameter's gradient, then steps the inner optimizer, which applies weight decay and
/// momentum on top — the order of FedProx's reference code and NIID-Bench, where the term is part of the loss that
/// <c>backward()</c> differentiates before <c>torch.optim.SGD.step()</c>.
/// </summary>
public sealed class ProximalOptimizer : IOptimizer
{
    private readonly IOptimizer _inner;
    private readonly Parameter[] _parameters;
    private readonly ReadOnlyMemory<float>[] _anchor;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The optimizer that steps the parameters.</param>
    /// <param name="parameters">The parameters <paramref name="inner"/> updates.</param>
    /// <param name="anchor">θ₀, one span per parameter in the same order and of the same length; not copied, so it must not change while training.</param>
    /// <param name="mu">μ, finite and at least 0.</param>
    /// <exception cref="ArgumentException">The anchor does not match the parameters.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mu"/> is negative or not finite.</exception>
    public ProximalOptimizer(IOptimizer inner, IReadOnlyList<Parameter> parameters, IReadOnlyList<ReadOnlyMemory<float>> anchor, float mu)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(anchor);
        if (!(mu >= 0f) || !float.IsFinite(mu))
        {
            throw new ArgumentOutOfRangeException(nameof(mu), mu, $"The proximal coefficient μ is {mu}; it must be finite and at least 0.");
        }

        if (anchor.Count != parameters.Count)
        {
            throw new ArgumentException($"The anchor has {anchor.Count} tensors but the model has {parameters.Count} parameters; give one per parameter, in order.", nameof(anchor));
        }

        for (int i = 0; i < parameters.Count; i++)
        {
            if (anchor[i].Length != parameters[i].Value.Length)
            {
                throw new ArgumentException($"Anchor tensor {i} has {anchor[i].Length} values but parameter '{parameters[i].Name}' has {parameters[i].Value.Length}.", nameof(anchor));
            }
        }

        _inner = inner;
        _parameters = [.. parameters];
        _anchor = [.. anchor];
        Mu = mu;
    }

    /// <summary>The proximal coefficient μ.</summary>
    public float Mu { get; }

    /// <inheritdoc />
    public void Step()
    {
        if (Mu != 0f)
        {
            for (int i = 0; i < _parameters.Length; i++)
            {
                ProximalGradient.Add(Mu, _parameters[i].Value.ReadOnlySpan, _anchor[i].Span, _parameters[i].Gradient.Span);
            }
        }

        _inner.Step();
    }

    /// <inheritdoc />
    public void Reset() => _inner.Reset();
}
