using System.Numerics;
using FedSharp.Learning.Layers;

namespace FedSharp.Learning.Optimizers;

/// <summary>
/// Adam with PyTorch's exact update (<c>torch.optim.Adam</c>, amsgrad off): g ← ∇ + λθ; m ← β₁m + (1−β₁)g;
/// v ← β₂v + (1−β₂)g²; θ ← θ − (η/(1−β₁ᵗ)) · m / (√v/√(1−β₂ᵗ) + ε).
/// </summary>
public sealed class Adam : IOptimizer
{
    private readonly Parameter[] _parameters;
    private readonly float[][] _firstMoments;
    private readonly float[][] _secondMoments;
    private readonly AdamOptions _options;
    private int _step;

    /// <summary>Creates the optimizer over <paramref name="parameters"/>; the options are validated and copied.</summary>
    public Adam(IReadOnlyList<Parameter> parameters, AdamOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = new AdamOptions
        {
            LearningRate = options.LearningRate,
            Beta1 = options.Beta1,
            Beta2 = options.Beta2,
            Epsilon = options.Epsilon,
            WeightDecay = options.WeightDecay,
        };
        _parameters = [.. parameters];
        _firstMoments = new float[_parameters.Length][];
        _secondMoments = new float[_parameters.Length][];
        for (int i = 0; i < _parameters.Length; i++)
        {
            _firstMoments[i] = new float[_parameters[i].Value.Length];
            _secondMoments[i] = new float[_parameters[i].Value.Length];
        }
    }

    /// <summary>The step size η, for schedules that change it between steps; greater than 0.</summary>
    public float LearningRate
    {
        get => _options.LearningRate;
        set => _options.LearningRate = value > 0f && float.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), $"Adam learning rate {value} must be a finite number greater than 0.");
    }

    /// <summary>Number of steps taken since construction or <see cref="Reset"/>; t in the bias corrections.</summary>
    public int StepCount => _step;

    /// <inheritdoc />
    public void Step()
    {
        _step++;
        float beta1 = _options.Beta1, beta2 = _options.Beta2, weightDecay = _options.WeightDecay, epsilon = _options.Epsilon;
        float stepSize = (float)(_options.LearningRate / (1.0 - Math.Pow(beta1, _step)));
        float inverseCorrection2Sqrt = (float)(1.0 / Math.Sqrt(1.0 - Math.Pow(beta2, _step)));
        for (int i = 0; i < _parameters.Length; i++)
        {
            Update(
                _parameters[i].Value.Span, _parameters[i].Gradient.Span, _firstMoments[i], _secondMoments[i],
                beta1, beta2, weightDecay, epsilon, stepSize, inverseCorrection2Sqrt);
        }
    }

    /// <inheritdoc />
    public void Reset()
    {
        _step = 0;
        for (int i = 0; i < _parameters.Length; i++)
        {
            Array.Clear(_firstMoments[i]);
            Array.Clear(_secondMoments[i]);
        }
    }

    // One fused pass per tensor: each element reads θ, ∇, m, v once. Lanes are independent, so the vector body and
    // the scalar tail compute the same formula.
    private static void Update(
        Span<float> theta, ReadOnlySpan<float> gradient, Span<float> m, Span<float> v,
        float beta1, float beta2, float weightDecay, float epsilon, float stepSize, float inverseCorrection2Sqrt)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var b1 = new Vector<float>(beta1);
            var oneMinusB1 = new Vector<float>(1f - beta1);
            var b2 = new Vector<float>(beta2);
            var oneMinusB2 = new Vector<float>(1f - beta2);
            var decay = new Vector<float>(weightDecay);
            var eps = new Vector<float>(epsilon);
            var step = new Vector<float>(stepSize);
            var correction = new Vector<float>(inverseCorrection2Sqrt);
            for (; i <= theta.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var t = new Vector<float>(theta[i..]);
                Vector<float> g = new Vector<float>(gradient[i..]) + decay * t;
                Vector<float> mi = b1 * new Vector<float>(m[i..]) + oneMinusB1 * g;
                Vector<float> vi = b2 * new Vector<float>(v[i..]) + oneMinusB2 * g * g;
                mi.CopyTo(m[i..]);
                vi.CopyTo(v[i..]);
                (t - step * mi / (Vector.SquareRoot(vi) * correction + eps)).CopyTo(theta[i..]);
            }
        }

        for (; i < theta.Length; i++)
        {
            float g = gradient[i] + weightDecay * theta[i];
            float mi = beta1 * m[i] + (1f - beta1) * g;
            float vi = beta2 * v[i] + (1f - beta2) * g * g;
            m[i] = mi;
            v[i] = vi;
            theta[i] -= stepSize * mi / (MathF.Sqrt(vi) * inverseCorrection2Sqrt + epsilon);
        }
    }
}
