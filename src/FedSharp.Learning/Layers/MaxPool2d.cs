using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
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
        if (KernelSize == 2 && Stride == 2)
        {
            ForwardTwoByTwo(x, planes, y, argMax);
            return _output;
        }

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

    // The 2×2, stride-2 window of every CNN in the zoo. Forward already checked that batch·C·H·W values exist and
    // every index below stays inside its plane, so reads go through refs without per-element bounds checks.
    // Window values a b / c d are compared as first-max(first-max(a, b), first-max(c, d)) with strict '>', which
    // picks the same element as the general loop's row-major scan (the first occurrence of the maximum).
    private void ForwardTwoByTwo(ReadOnlySpan<float> x, int planes, Span<float> y, Span<int> argMax)
    {
        ref float input = ref MemoryMarshal.GetReference(x);
        ref float output = ref MemoryMarshal.GetReference(y);
        ref int indices = ref MemoryMarshal.GetReference(argMax);
        int width = _width;
        int o = 0;
        for (int p = 0; p < planes; p++)
        {
            int planeStart = p * _height * width;
            for (int oy = 0; oy < _outHeight; oy++)
            {
                int top = planeStart + 2 * oy * width;
                int ox = 0;
                if (Sse.IsSupported)
                {
                    // Four windows per step: lanes hold a, b, c, d of windows ox..ox+3 after de-interleaving two rows
                    // of eight inputs with shuffles 0x88 (even columns) and 0xDD (odd columns).
                    Vector128<int> one = Vector128<int>.One;
                    var below = Vector128.Create(width);
                    var belowRight = Vector128.Create(width + 1);
                    var lanes = Vector128.Create(0, 2, 4, 6);
                    for (; ox <= _outWidth - 4; ox += 4, o += 4)
                    {
                        int first = top + 2 * ox;
                        Vector128<float> top0 = Vector128.LoadUnsafe(ref input, (nuint)first);
                        Vector128<float> top1 = Vector128.LoadUnsafe(ref input, (nuint)(first + 4));
                        Vector128<float> bottom0 = Vector128.LoadUnsafe(ref input, (nuint)(first + width));
                        Vector128<float> bottom1 = Vector128.LoadUnsafe(ref input, (nuint)(first + width + 4));
                        Vector128<float> a = Sse.Shuffle(top0, top1, 0x88), b = Sse.Shuffle(top0, top1, 0xDD);
                        Vector128<float> c = Sse.Shuffle(bottom0, bottom1, 0x88), d = Sse.Shuffle(bottom0, bottom1, 0xDD);
                        Vector128<float> rightWins = Vector128.GreaterThan(b, a);
                        Vector128<float> topMax = Vector128.ConditionalSelect(rightWins, b, a);
                        Vector128<int> topOffset = rightWins.AsInt32() & one;
                        Vector128<float> bottomRightWins = Vector128.GreaterThan(d, c);
                        Vector128<float> bottomMax = Vector128.ConditionalSelect(bottomRightWins, d, c);
                        Vector128<int> bottomOffset = Vector128.ConditionalSelect(bottomRightWins.AsInt32(), belowRight, below);
                        Vector128<float> bottomWins = Vector128.GreaterThan(bottomMax, topMax);
                        Vector128.ConditionalSelect(bottomWins, bottomMax, topMax).StoreUnsafe(ref output, (nuint)o);
                        (Vector128.Create(first) + lanes + Vector128.ConditionalSelect(bottomWins.AsInt32(), bottomOffset, topOffset))
                            .StoreUnsafe(ref indices, (nuint)o);
                    }
                }

                for (; ox < _outWidth; ox++, o++)
                {
                    int first = top + 2 * ox;
                    int best = first;
                    float max = Unsafe.Add(ref input, first);
                    float candidate = Unsafe.Add(ref input, first + 1);
                    if (candidate > max)
                    {
                        best = first + 1;
                        max = candidate;
                    }

                    int bottomBest = first + width;
                    float bottomMax = Unsafe.Add(ref input, bottomBest);
                    candidate = Unsafe.Add(ref input, first + width + 1);
                    if (candidate > bottomMax)
                    {
                        bottomBest = first + width + 1;
                        bottomMax = candidate;
                    }

                    if (bottomMax > max)
                    {
                        best = bottomBest;
                        max = bottomMax;
                    }

                    Unsafe.Add(ref output, o) = max;
                    Unsafe.Add(ref indices, o) = best;
                }
            }
        }
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
