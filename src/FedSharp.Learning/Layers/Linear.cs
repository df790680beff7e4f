using FedSharp.Learning.Kernels;
using FedSharp.Learning.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace FedSharp.Learning.Layers;

/// <summary>
/// A fully connected layer, <c>y = x·Wᵀ + b</c>, with PyTorch's weight layout [out, in]. Each pass is one GEMM over
/// the whole batch.
/// </summary>
public sealed class Linear : Layer
{
    private readonly Parameter _weight;
    private readonly Parameter _bias;
    private readonly Parameter[] _parameters;
    private Tensor _output = new(0);
    private Tensor _inputGradient = new(0);
    private Tensor _maskedGradient = new(0);
    private Tensor? _input;

    /// <summary>Creates the layer with PyTorch's default initialisation drawn from <paramref name="random"/>.</summary>
    /// <param name="name">The prefix of the parameter names, e.g. <c>fc1</c> for <c>fc1.weight</c> and <c>fc1.bias</c>.</param>
    /// <param name="inFeatures">Values per input sample.</param>
    /// <param name="outFeatures">Values per output sample.</param>
    /// <param name="random">The source of the initial weights; draws weight then bias.</param>
    /// <param name="activation">The function fused into the output; default <see cref="Activation.Identity"/>.</param>
    public Linear(string name, int inFeatures, int outFeatures, Random random, Activation activation = Activation.Identity)
    {
        if (!Enum.IsDefined(activation))
        {
            throw new ArgumentOutOfRangeException(nameof(activation), $"Activation {activation} of {name} is not one of {string.Join(", ", Enum.GetNames<Activation>())}.");
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(inFeatures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outFeatures, 1);
        ArgumentNullException.ThrowIfNull(random);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Activation = activation;
        _weight = new Parameter(name + ".weight", outFeatures, inFeatures);
        _bias = new Parameter(name + ".bias", outFeatures);
        _parameters = [_weight, _bias];
        DefaultInitialization.Fill(_weight.Value.Span, _bias.Value.Span, inFeatures, random);
    }

    /// <summary>Values per input sample.</summary>
    public int InFeatures { get; }

    /// <summary>Values per output sample.</summary>
    public int OutFeatures { get; }

    /// <summary>The function fused into the output.</summary>
    public Activation Activation { get; }

    /// <summary>The weight [out, in].</summary>
    public Parameter Weight => _weight;

    /// <summary>The bias [out].</summary>
    public Parameter Bias => _bias;

    /// <inheritdoc />
    public override IReadOnlyList<Parameter> Parameters => _parameters;

    /// <inheritdoc />
    protected override int[] InferOutputShape(ReadOnlySpan<int> inputShape)
    {
        if (inputShape.Length != 1 || inputShape[0] != InFeatures)
        {
            throw new ArgumentException(
                $"{_weight.Name} expects input samples of shape [{InFeatures}] but got {Format(inputShape)}; put a Flatten before it or fix in_features.",
                nameof(inputShape));
        }

        return [OutFeatures];
    }

    /// <inheritdoc />
    protected override void Allocate(int batchCapacity)
    {
        _output = new Tensor(batchCapacity, OutFeatures);
        _inputGradient = ComputesInputGradient ? new Tensor(batchCapacity, InFeatures) : new Tensor(0);
        _maskedGradient = Activation == Activation.ReLU ? new Tensor(batchCapacity, OutFeatures) : new Tensor(0);
    }

    /// <inheritdoc />
    protected override Tensor ForwardCore(Tensor input, int batchSize, bool training)
    {
        _input = input;
        Span<float> y = _output.Span[..(batchSize * OutFeatures)];
        ReadOnlySpan<float> bias = _bias.Value.ReadOnlySpan;

        // Seeding every row with the bias and accumulating (beta = 1) fuses the bias add into the GEMM.
        for (int b = 0; b < batchSize; b++)
        {
            bias.CopyTo(y.Slice(b * OutFeatures, OutFeatures));
        }

        Gemm.Multiply(
            transposeA: false, transposeB: true, batchSize, OutFeatures, InFeatures,
            input.ReadOnlySpan, InFeatures, _weight.Value.ReadOnlySpan, InFeatures, 1f, y, OutFeatures);
        if (Activation == Activation.ReLU)
        {
            TensorPrimitives.Max(y, 0f, y);
        }

        return _output;
    }

    /// <inheritdoc />
    protected override Tensor? BackwardCore(Tensor outputGradient, int batchSize)
    {
        ReadOnlySpan<float> dy = outputGradient.ReadOnlySpan[..(batchSize * OutFeatures)];
        if (Activation == Activation.ReLU)
        {
            Span<float> masked = _maskedGradient.Span[..dy.Length];
            ReLU.Mask(_output.ReadOnlySpan[..dy.Length], dy, masked);
            dy = masked;
        }

        // dW[out, in] = dYᵀ · X
        Gemm.Multiply(
            transposeA: true, transposeB: false, OutFeatures, InFeatures, batchSize,
            dy, OutFeatures, _input!.ReadOnlySpan, InFeatures, 0f, _weight.Gradient.Span, InFeatures);

        Span<float> db = _bias.Gradient.Span;
        dy[..OutFeatures].CopyTo(db);
        for (int b = 1; b < batchSize; b++)
        {
            TensorPrimitives.Add(db, dy.Slice(b * OutFeatures, OutFeatures), db);
        }

        if (!ComputesInputGradient)
        {
            return null;
        }

        if (_inputGradient.Length < batchSize * InFeatures)
        {
            _inputGradient = new Tensor(BatchCapacity, InFeatures);
        }

        // dX[B, in] = dY · W
        Gemm.Multiply(
            transposeA: false, transposeB: false, batchSize, InFeatures, OutFeatures,
            dy, OutFeatures, _weight.Value.ReadOnlySpan, InFeatures, 0f, _inputGradient.Span, InFeatures);
        return _inputGradient;
    }
}
