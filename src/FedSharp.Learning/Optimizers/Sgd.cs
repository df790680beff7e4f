using FedSharp.Learning.Layers;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace FedSharp.Learning.Optimizers;

/// <summary>
/// Stochastic gradient descent with PyTorch's exact update (<c>torch.optim.SGD</c>): g ← ∇ + λθ; with momentum
/// b ← g on the first step, else b ← μb + (1−τ)g, then g ← g + μb (Nesterov) or g ← b; finally θ ← θ − η·g.
/// </summary>
/// <remarks>Each step reuses the gradient buffers as scratch for g; the next backward pass overwrites them anyway.</remarks>
public sealed class Sgd : IOptimizer
{
    private readonly Parameter[] _parameters;
    private readonly float[][] _momentumBuffers;
    private float _learningRate;
    private readonly float _momentum;
    private readonly float _dampening;
    private readonly float _weightDecay;
    private readonly bool _nesterov;
    private bool _hasMomentumState;

    /// <summary>Creates the optimizer over <paramref name="parameters"/>; the options are validated and copied.</summary>
    public Sgd(IReadOnlyList<Parameter> parameters, SgdOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _parameters = [.. parameters];
        _learningRate = options.LearningRate;
        _momentum = options.Momentum;
        _dampening = options.Dampening;
        _weightDecay = options.WeightDecay;
        _nesterov = options.Nesterov;
        _momentumBuffers = new float[_parameters.Length][];
        for (int i = 0; i < _parameters.Length; i++)
        {
            _momentumBuffers[i] = _momentum == 0f ? [] : new float[_parameters[i].Value.Length];
        }
    }

    /// <summary>The step size η, for schedules that change it between steps; greater than 0.</summary>
    public float LearningRate
    {
        get => _learningRate;
        set => _learningRate = value > 0f && float.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), $"SGD learning rate {value} must be a finite number greater than 0.");
    }

    /// <inheritdoc />
    public void Step()
    {
        for (int i = 0; i < _parameters.Length; i++)
        {
            Span<float> theta = _parameters[i].Value.Span;
            Span<float> g = _parameters[i].Gradient.Span;
            if (_weightDecay != 0f)
            {
                TensorPrimitives.MultiplyAdd(theta, _weightDecay, g, g);
            }

            if (_momentum != 0f)
            {
                Span<float> buffer = _momentumBuffers[i];
                if (!_hasMomentumState)
                {
                    g.CopyTo(buffer);
                }
                else
                {
                    TensorPrimitives.Multiply(buffer, _momentum, buffer);
                    TensorPrimitives.MultiplyAdd(g, 1f - _dampening, buffer, buffer);
                }

                if (_nesterov)
                {
                    TensorPrimitives.MultiplyAdd(buffer, _momentum, g, g);
                }
                else
                {
                    buffer.CopyTo(g);
                }
            }

            TensorPrimitives.MultiplyAdd(g, -_learningRate, theta, theta);
        }

        _hasMomentumState = true;
    }

    /// <inheritdoc />
    public void Reset()
    {
        _hasMomentumState = false;
        foreach (float[] buffer in _momentumBuffers)
        {
            Array.Clear(buffer);
        }
    }
}
