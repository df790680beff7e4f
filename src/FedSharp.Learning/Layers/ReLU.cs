using System.Numerics;
using FedSharp.Learning.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace FedSharp.Learning.Layers;

/// <summary>The rectified linear unit, <c>max(x, 0)</c>, element-wise; any input shape.</summary>
public sealed class ReLU : Layer
{
    private Tensor _output = new(0);
    private Tensor _inputGradient = new(0);

    /// <inheritdoc />
    protected override int[] InferOutputShape(ReadOnlySpan<int> inputShape) => inputShape.ToArray();

    /// <inheritdoc />
    protected override void Allocate(int batchCapacity)
    {
        _output = new Tensor(batchCapacity, OutputSize);
        _inputGradient = new Tensor(batchCapacity, InputSize);
    }

    /// <inheritdoc />
    protected override Tensor ForwardCore(Tensor input, int batchSize, bool training)
    {
        int length = batchSize * InputSize;
        TensorPrimitives.Max(input.ReadOnlySpan[..length], 0f, _output.Span[..length]);
        return _output;
    }

    /// <inheritdoc />
    protected override Tensor? BackwardCore(Tensor outputGradient, int batchSize)
    {
        if (!ComputesInputGradient)
        {
            return null;
        }

        int length = batchSize * InputSize;
        Mask(_output.ReadOnlySpan[..length], outputGradient.ReadOnlySpan[..length], _inputGradient.Span[..length]);
        return _inputGradient;
    }

    // destination[i] = output[i] > 0 ? gradient[i] : 0. The gradient at exactly 0 is taken as 0, as in PyTorch.
    // Shared with the layers that fuse the activation, so both paths give bit-identical gradients.
    internal static void Mask(ReadOnlySpan<float> output, ReadOnlySpan<float> gradient, Span<float> destination)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= output.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var o = new Vector<float>(output[i..]);
                var g = new Vector<float>(gradient[i..]);
                Vector.ConditionalSelect(Vector.GreaterThan(o, Vector<float>.Zero), g, Vector<float>.Zero).CopyTo(destination[i..]);
            }
        }

        for (; i < output.Length; i++)
        {
            destination[i] = output[i] > 0f ? gradient[i] : 0f;
        }
    }
}
