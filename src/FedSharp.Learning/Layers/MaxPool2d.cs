using FedSharp.Learning.Tensors;

namespace FedSharp.Learning.Layers;

/// <summary>
/// 2-D max pooling over [C, H, W] samples without padding, output size ⌊(H − k)/s⌋ + 1 as PyTorch's default.
/// Forward stores the position of each maximum so backward is a scatter, not a second search.
/// </summary>
public sealed class MaxPool2d : Layer
{
    private Tensor _output = new(0);
    private Tensor _inputGradient = new(0);
    private int[] _argMax = [];
    private int _channels;
    private int _height;
    private int _width;
    private int _outHeight;
    private int _outWidth;

    /// <summary>Creates the layer.</summary>
    /// <param name="kernelSize">The square window's side, at least 1.</param>
    /// <param name="stride">The step between windows; 0 means the kernel size, PyTorch's default.</param>
    public MaxPool2d(int kernelSize, int stride = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(stride);
        KernelSize = kernelSize;
        Stride = stride == 0 ? kernelSize : stride;
    }

    /// <summary>The square window's side.</summary>
    public int KernelSize { get; }

    /// <summary>The step between windows.</summary>
    public int Stride { get; }

    /// <inheritdoc />
    protected override int[] InferOutputShape(ReadOnlySpan<int> inputShape)
    {
        if (inputShape.Length != 3 || inputShape[1] < KernelSize || inputShape[2] < KernelSize)
        {
            throw new ArgumentException(
                $"MaxPool2d({KernelSize}, stride {Stride}) needs [C, H, W] samples with H and W at least {KernelSize} but got {Format(inputShape)}.",
                nameof(inputShape));
        }

        _channels = inputShape[0];
        _height = inputShape[1];
        _width = inputShape[2];
        _outHeight = (_height - KernelSize) / Stride + 1;
        _outWidth = (_width - KernelSize) / Stride + 1;
        return [_channels, _outHeight, _outWidth];
    }

    /// <inheritdoc />
    protected override void Allocate(int batchCapacity)
    {
        _output = new Tensor(batchCapacity, _channels, _outHeight, _outWidth);
        _inputGradient = new Tensor(batchCapacity, _channels, _height, _width);
        _argMax = new int[batchCapacity * OutputSize];
    }

    /// <inheritdoc />
    protected override Tensor ForwardCore(Tensor input, int batchSize, bool training)
    {
        ReadOnlySpan<float> x = input.ReadOnlySpan[..(batchSize * InputSize)];
        Span<float> y = _output.Span;
        Span<int> argMax = _argMax;
        int planeSize = _height * _width;
        int planes = batchSize * _channels;
        int o = 0;
        for (int p = 0; p < planes; p++)
        {
            int planeStart = p * planeSize;
            for (int oy = 0; oy < _outHeight; oy++)
            {
                for (int ox = 0; ox < _outWidth; ox++, o++)
                {
                    int first = planeStart + oy * Stride * _width + ox * Stride;
                    int best = first;
                    float max = x[first];
                    for (int ky = 0; ky < KernelSize; ky++)
                    {
                        int row = first + ky * _width;
                        for (int kx = 0; kx < KernelSize; kx++)
                        {
                            // Strictly greater keeps the first maximum on ties, so the gradient goes to one input only.
                            if (x[row + kx] > max)
                            {
                                max = x[row + kx];
                                best = row + kx;
                            }
                        }
                    }

                    y[o] = max;
                    argMax[o] = best;
                }
            }
        }

        return _output;
    }

    /// <inheritdoc />
    protected override Tensor? BackwardCore(Tensor outputGradient, int batchSize)
    {
        if (!ComputesInputGradient)
        {
            return null;
        }

        ReadOnlySpan<float> dy = outputGradient.ReadOnlySpan[..(batchSize * OutputSize)];
        Span<float> dx = _inputGradient.Span[..(batchSize * InputSize)];
        ReadOnlySpan<int> argMax = _argMax.AsSpan(0, dy.Length);
        dx.Clear();

        // Overlapping windows (stride < kernel) can pick the same input twice, hence += rather than =.
        for (int o = 0; o < dy.Length; o++)
        {
            dx[argMax[o]] += dy[o];
        }

        return _inputGradient;
    }
}
