using FedSharp.Learning.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace FedSharp.Learning.Layers;

/// <summary>
/// Inverted dropout: in training each value is zeroed with probability p and the survivors are scaled by 1/(1−p),
/// so evaluation is the identity and needs no rescaling.
/// </summary>
public sealed class Dropout : Layer
{
    private readonly Random _random;
    private readonly float _scale;
    private Tensor _mask = new(0);
    private Tensor _output = new(0);
    private Tensor _inputGradient = new(0);
    private bool _lastForwardTrained;

    /// <summary>Creates the layer.</summary>
    /// <param name="probability">The probability p of zeroing a value, in [0, 1).</param>
    /// <param name="random">The seeded source of the masks; one draw per value per training forward pass.</param>
    public Dropout(double probability, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(probability >= 0.0 && probability < 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), $"Dropout probability {probability} is outside [0, 1); 0 keeps everything, values near 1 drop almost everything.");
        }

        Probability = probability;
        _random = random;
        _scale = (float)(1.0 / (1.0 - probability));
    }

    /// <summary>The probability of zeroing a value.</summary>
    public double Probability { get; }

    /// <inheritdoc />
    protected override int[] InferOutputShape(ReadOnlySpan<int> inputShape) => inputShape.ToArray();

    /// <inheritdoc />
    protected override void Allocate(int batchCapacity)
    {
        _mask = new Tensor(batchCapacity, InputSize);
        _output = new Tensor(batchCapacity, InputSize);
        _inputGradient = new Tensor(batchCapacity, InputSize);
    }

    /// <inheritdoc />
    protected override Tensor ForwardCore(Tensor input, int batchSize, bool training)
    {
        _lastForwardTrained = training;
        if (!training)
        {
            return input;
        }

        int length = batchSize * InputSize;
        Span<float> mask = _mask.Span[..length];
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = _random.NextDouble() < Probability ? 0f : _scale;
        }

        TensorPrimitives.Multiply(input.ReadOnlySpan[..length], mask, _output.Span[..length]);
        return _output;
    }

    /// <inheritdoc />
    protected override Tensor? BackwardCore(Tensor outputGradient, int batchSize)
    {
        if (!ComputesInputGradient)
        {
            return null;
        }

        if (!_lastForwardTrained)
        {
            return outputGradient;
        }

        int length = batchSize * InputSize;
        TensorPrimitives.Multiply(outputGradient.ReadOnlySpan[..length], _mask.ReadOnlySpan[..length], _inputGradient.Span[..length]);
        return _inputGradient;
    }
}
