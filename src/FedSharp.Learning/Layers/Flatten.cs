using FedSharp.Learning.Tensors;

namespace FedSharp.Learning.Layers;

/// <summary>
/// Reshapes each sample to one dimension, as PyTorch's <c>nn.Flatten()</c>. Row-major storage makes this a view:
/// no value is copied in either direction.
/// </summary>
public sealed class Flatten : Layer
{
    private Tensor? _inputView;
    private Tensor? _outputView;
    private Tensor? _gradientView;
    private Tensor? _inputGradientView;

    /// <inheritdoc />
    protected override int[] InferOutputShape(ReadOnlySpan<int> inputShape) => [Product(inputShape)];

    /// <inheritdoc />
    protected override void Allocate(int batchCapacity)
    {
    }

    /// <inheritdoc />
    protected override Tensor ForwardCore(Tensor input, int batchSize, bool training)
    {
        // The view is rebuilt only when the upstream buffer changes (once per capacity), not per step.
        if (!ReferenceEquals(input, _inputView))
        {
            _inputView = input;
            _outputView = ReshapeToSamples(input, OutputSize);
        }

        return _outputView!;
    }

    /// <inheritdoc />
    protected override Tensor? BackwardCore(Tensor outputGradient, int batchSize)
    {
        if (!ComputesInputGradient)
        {
            return null;
        }

        if (!ReferenceEquals(outputGradient, _gradientView))
        {
            _gradientView = outputGradient;
            int[] shape = new int[InputShape.Length + 1];
            shape[0] = outputGradient.Length / InputSize;
            InputShape.CopyTo(shape.AsSpan(1));
            _inputGradientView = outputGradient.Length % InputSize == 0
                ? outputGradient.Reshape(shape)
                : throw new ArgumentException($"Flatten got an output gradient {outputGradient} that is not a whole number of samples of {InputSize} values.", nameof(outputGradient));
        }

        return _inputGradientView!;
    }

    private static Tensor ReshapeToSamples(Tensor tensor, int sampleSize) =>
        tensor.Length % sampleSize == 0
            ? tensor.Reshape(tensor.Length / sampleSize, sampleSize)
            : throw new ArgumentException($"Flatten got an input {tensor} that is not a whole number of samples of {sampleSize} values.", nameof(tensor));
}
