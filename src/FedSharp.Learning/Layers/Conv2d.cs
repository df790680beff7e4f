using FedSharp.Learning.Kernels;
using FedSharp.Learning.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace FedSharp.Learning.Layers;

/// <summary>
/// 2-D convolution over [C, H, W] samples with a square kernel, stride and zero padding, PyTorch's weight layout
/// [out, in, k, k]. The whole batch goes through im2col into one column matrix, so each pass is one GEMM per layer.
/// </summary>
/// <remarks>
/// Layout: the columns hold K = in·k·k rows of N = batch·outH·outW entries, image b at column offset b·outH·outW.
/// Forward computes P = W[out, K] · columns[K, N], then scatters P[out, b·HW + i] into NCHW adding the bias and
/// applying the fused activation. Backward gathers d(out), masked by a fused ReLU, back into P's layout, so
/// dW = P · columnsᵀ and d(columns) = Wᵀ · P; col2im turns the latter into the input gradient. d(columns) overwrites
/// the columns, which backward no longer needs by then.
/// </remarks>
public sealed class Conv2d : Layer
{
    // 256 KB of unfolded columns per inference block: a quarter of a common L2 cache, leaving room for the product.
    private const int InferenceColumnFloats = 64 * 1024;
    private readonly Parameter _weight;
    private readonly Parameter? _bias;
    private readonly Parameter[] _parameters;
    private readonly int _patchSize;
    private Tensor _columns = new(0);
    private Tensor _product = new(0);
    private Tensor _output = new(0);
    private Tensor _inputGradient = new(0);
    private int _height;
    private int _width;
    private int _outHeight;
    private int _outWidth;

    /// <summary>Creates the layer with PyTorch's default initialisation drawn from <paramref name="random"/>.</summary>
    /// <param name="name">The prefix of the parameter names, e.g. <c>conv1</c> for <c>conv1.weight</c> and <c>conv1.bias</c>.</param>
    /// <param name="inChannels">Channels of each input sample.</param>
    /// <param name="outChannels">Channels of each output sample (number of filters).</param>
    /// <param name="kernelSize">The square kernel's side.</param>
    /// <param name="random">The source of the initial weights; draws weight then bias.</param>
    /// <param name="stride">The step between receptive fields, at least 1; default 1.</param>
    /// <param name="padding">Zeros added on each side of H and W; default 0 ("valid").</param>
    /// <param name="hasBias">Whether the layer adds a learned bias per output channel; default true as in PyTorch.</param>
    /// <param name="activation">The function fused into the output; default <see cref="Activation.Identity"/>.</param>
    public Conv2d(
        string name, int inChannels, int outChannels, int kernelSize, Random random,
        int stride = 1, int padding = 0, bool hasBias = true, Activation activation = Activation.Identity)
    {
        if (!Enum.IsDefined(activation))
        {
            throw new ArgumentOutOfRangeException(nameof(activation), $"Activation {activation} of {name} is not one of {string.Join(", ", Enum.GetNames<Activation>())}.");
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        ArgumentNullException.ThrowIfNull(random);
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        Activation = activation;
        _patchSize = inChannels * kernelSize * kernelSize;
        _weight = new Parameter(name + ".weight", outChannels, inChannels, kernelSize, kernelSize);
        _bias = hasBias ? new Parameter(name + ".bias", outChannels) : null;
        _parameters = _bias is null ? [_weight] : [_weight, _bias];
        DefaultInitialization.Fill(_weight.Value.Span, _bias is null ? [] : _bias.Value.Span, _patchSize, random);
    }

    /// <summary>Channels of each input sample.</summary>
    public int InChannels { get; }

    /// <summary>Channels of each output sample.</summary>
    public int OutChannels { get; }

    /// <summary>The square kernel's side.</summary>
    public int KernelSize { get; }

    /// <summary>The step between receptive fields.</summary>
    public int Stride { get; }

    /// <summary>Zeros added on each side of H and W.</summary>
    public int Padding { get; }

    /// <summary>The function fused into the output.</summary>
    public Activation Activation { get; }

    /// <summary>The weight [out, in, k, k].</summary>
    public Parameter Weight => _weight;

    /// <summary>The bias [out], or null when the layer has none.</summary>
    public Parameter? Bias => _bias;

    /// <inheritdoc />
    public override IReadOnlyList<Parameter> Parameters => _parameters;

    /// <inheritdoc />
    protected override int[] InferOutputShape(ReadOnlySpan<int> inputShape)
    {
        if (inputShape.Length != 3 || inputShape[0] != InChannels
            || inputShape[1] + 2 * Padding < KernelSize || inputShape[2] + 2 * Padding < KernelSize)
        {
            throw new ArgumentException(
                $"{_weight.Name} expects [{InChannels}, H, W] samples with H and W at least {KernelSize - 2 * Padding} but got {Format(inputShape)}; check in_channels and the layers before it.",
                nameof(inputShape));
        }

        _height = inputShape[1];
        _width = inputShape[2];
        _outHeight = Im2Col.OutputSize(_height, KernelSize, Stride, Padding);
        _outWidth = Im2Col.OutputSize(_width, KernelSize, Stride, Padding);
        return [OutChannels, _outHeight, _outWidth];
    }

    /// <inheritdoc />
    protected override void Allocate(int batchCapacity)
    {
        int positions = _outHeight * _outWidth;
        _columns = new Tensor(_patchSize, batchCapacity * positions);
        _product = new Tensor(OutChannels, batchCapacity * positions);
        _output = new Tensor(batchCapacity, OutChannels, _outHeight, _outWidth);
        _inputGradient = ComputesInputGradient ? new Tensor(batchCapacity, InChannels, _height, _width) : new Tensor(0);
    }

    /// <inheritdoc />
    protected override Tensor ForwardCore(Tensor input, int batchSize, bool training)
    {
        int positions = _outHeight * _outWidth;
        int n = batchSize * positions;
        ReadOnlySpan<float> x = input.ReadOnlySpan;
        Span<float> columns = _columns.Span;
        Span<float> product = _product.Span;

        // Training keeps the whole batch's columns for the weight gradient. Inference needs them only for the product,
        // so it unfolds a few samples at a time into a block that stays in the L2 cache while the GEMM reads it.
        int chunk = training ? batchSize : Math.Clamp(InferenceColumnFloats / (_patchSize * positions), 1, batchSize);
        for (int first = 0; first < batchSize; first += chunk)
        {
            int samples = Math.Min(chunk, batchSize - first);
            int width = samples * positions;
            for (int b = 0; b < samples; b++)
            {
                Im2Col.Forward(
                    x.Slice((first + b) * InputSize, InputSize), InChannels, _height, _width,
                    KernelSize, KernelSize, Stride, Stride, Padding, Padding,
                    columns[(b * positions)..], width);
            }

            Gemm.Multiply(
                transposeA: false, transposeB: false, OutChannels, width, _patchSize,
                _weight.Value.ReadOnlySpan, _patchSize, columns, width, 0f, product[(first * positions)..], n);
        }

        Span<float> y = _output.Span;
        ReadOnlySpan<float> bias = _bias is null ? [] : _bias.Value.ReadOnlySpan;
        for (int oc = 0; oc < OutChannels; oc++)
        {
            float channelBias = bias.IsEmpty ? 0f : bias[oc];
            for (int b = 0; b < batchSize; b++)
            {
                Span<float> destination = y.Slice((b * OutChannels + oc) * positions, positions);
                TensorPrimitives.Add(product.Slice(oc * n + b * positions, positions), channelBias, destination);
                if (Activation == Activation.ReLU)
                {
                    TensorPrimitives.Max(destination, 0f, destination);
                }
            }
        }

        return _output;
    }

    /// <inheritdoc />
    protected override Tensor? BackwardCore(Tensor outputGradient, int batchSize)
    {
        int positions = _outHeight * _outWidth;
        int n = batchSize * positions;
        ReadOnlySpan<float> dy = outputGradient.ReadOnlySpan;
        ReadOnlySpan<float> y = _output.ReadOnlySpan;
        Span<float> product = _product.Span;
        for (int oc = 0; oc < OutChannels; oc++)
        {
            for (int b = 0; b < batchSize; b++)
            {
                int sample = (b * OutChannels + oc) * positions;
                Span<float> destination = product.Slice(oc * n + b * positions, positions);
                if (Activation == Activation.ReLU)
                {
                    ReLU.Mask(y.Slice(sample, positions), dy.Slice(sample, positions), destination);
                }
                else
                {
                    dy.Slice(sample, positions).CopyTo(destination);
                }
            }
        }

        if (_bias is not null)
        {
            Span<float> db = _bias.Gradient.Span;
            for (int oc = 0; oc < OutChannels; oc++)
            {
                db[oc] = TensorPrimitives.Sum(product.Slice(oc * n, n));
            }
        }

        Span<float> columns = _columns.Span;
        Gemm.Multiply(
            transposeA: false, transposeB: true, OutChannels, _patchSize, n,
            product, n, columns, n, 0f, _weight.Gradient.Span, _patchSize);

        if (!ComputesInputGradient)
        {
            return null;
        }

        if (_inputGradient.Length < batchSize * InputSize)
        {
            _inputGradient = new Tensor(BatchCapacity, InChannels, _height, _width);
        }

        Gemm.Multiply(
            transposeA: true, transposeB: false, _patchSize, n, OutChannels,
            _weight.Value.ReadOnlySpan, _patchSize, product, n, 0f, columns, n);

        Span<float> dx = _inputGradient.Span;
        for (int b = 0; b < batchSize; b++)
        {
            Im2Col.Backward(
                columns[(b * positions)..], n, InChannels, _height, _width,
                KernelSize, KernelSize, Stride, Stride, Padding, Padding,
                dx.Slice(b * InputSize, InputSize));
        }

        return _inputGradient;
    }
}
