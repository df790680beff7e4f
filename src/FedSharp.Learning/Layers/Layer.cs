using FedSharp.Learning.Tensors;

namespace FedSharp.Learning.Layers;

/// <summary>
/// A differentiable step of a model with an explicit forward and backward pass over a whole batch. A layer is bound
/// once to the shape of one input sample, then reserves its buffers for a batch capacity; every later call with at
/// most that many samples reuses those buffers, so steady-state training allocates nothing.
/// </summary>
/// <remarks>
/// Tensors that cross layer boundaries have the batch capacity as their first dimension; the <c>batchSize</c>
/// argument says how many leading samples are valid. Backward uses what the preceding forward call kept, so the
/// calls must alternate on one thread with the same batch size.
/// </remarks>
public abstract class Layer
{
    private int[]? _inputShape;
    private int[] _outputShape = [];
    private int _forwardBatchSize;

    /// <summary>The shape of one input sample; empty until <see cref="Bind"/>.</summary>
    public ReadOnlySpan<int> InputShape => _inputShape;

    /// <summary>The shape of one output sample; empty until <see cref="Bind"/>.</summary>
    public ReadOnlySpan<int> OutputShape => _outputShape;

    /// <summary>Number of values in one input sample.</summary>
    public int InputSize { get; private set; }

    /// <summary>Number of values in one output sample.</summary>
    public int OutputSize { get; private set; }

    /// <summary>The largest batch the buffers hold; 0 before <see cref="Reserve"/>.</summary>
    public int BatchCapacity { get; private set; }

    /// <summary>
    /// Whether <see cref="Backward"/> computes the gradient with respect to the input. Defaults to true; a model
    /// turns it off for its first layer, whose input is data and needs no gradient.
    /// </summary>
    public bool ComputesInputGradient { get; set; } = true;

    /// <summary>The trainable tensors, in export order; empty for layers without any.</summary>
    public virtual IReadOnlyList<Parameter> Parameters => [];

    /// <summary>Fixes the shape of one input sample and derives the output shape. A layer is bound once.</summary>
    /// <param name="inputShape">The shape of one sample, without the batch dimension, e.g. [1, 28, 28].</param>
    public void Bind(ReadOnlySpan<int> inputShape)
    {
        if (_inputShape is not null)
        {
            throw new InvalidOperationException(
                $"{GetType().Name} is already bound to input [{string.Join(", ", _inputShape)}]; a layer instance belongs to one model, create a new one.");
        }

        foreach (int d in inputShape)
        {
            if (d < 1)
            {
                throw new ArgumentException($"{GetType().Name} got input shape [{string.Join(", ", inputShape.ToArray())}]; every dimension must be at least 1.", nameof(inputShape));
            }
        }

        int[] outputShape = InferOutputShape(inputShape);
        _inputShape = inputShape.ToArray();
        _outputShape = outputShape;
        InputSize = Product(inputShape);
        OutputSize = Product(outputShape);
    }

    /// <summary>Makes the buffers hold at least <paramref name="batchCapacity"/> samples; never shrinks them.</summary>
    public void Reserve(int batchCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchCapacity, 1);
        if (_inputShape is null)
        {
            throw new InvalidOperationException($"{GetType().Name} must be bound to an input shape before it reserves buffers; call Bind first.");
        }

        if (batchCapacity > BatchCapacity)
        {
            Allocate(batchCapacity);
            BatchCapacity = batchCapacity;
        }
    }

    /// <summary>Computes the output for the first <paramref name="batchSize"/> samples of <paramref name="input"/>.</summary>
    /// <param name="input">At least <paramref name="batchSize"/> samples of <see cref="InputShape"/>, sample-major.</param>
    /// <param name="batchSize">Number of valid samples, from 1 to <see cref="BatchCapacity"/>.</param>
    /// <param name="training">True in training: dropout draws a mask. False at evaluation.</param>
    /// <returns>The layer's output buffer (or, for shape-only layers, a view); valid until the next forward call.</returns>
    public Tensor Forward(Tensor input, int batchSize, bool training)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckBatch(input, batchSize, InputSize, "input");
        Tensor output = ForwardCore(input, batchSize, training);
        _forwardBatchSize = batchSize;
        return output;
    }

    /// <summary>
    /// Writes every parameter's gradient (overwriting, not accumulating) and returns the gradient with respect to
    /// the input of the last forward call, or null when <see cref="ComputesInputGradient"/> is false.
    /// </summary>
    /// <param name="outputGradient">d(loss)/d(output) for the first <paramref name="batchSize"/> samples.</param>
    /// <param name="batchSize">The batch size of the preceding forward call.</param>
    public Tensor? Backward(Tensor outputGradient, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        if (batchSize != _forwardBatchSize)
        {
            throw new InvalidOperationException(_forwardBatchSize == 0
                ? $"{GetType().Name} backward has no forward pass to follow; each Backward needs its own Forward (training) call first."
                : $"{GetType().Name} backward got batch size {batchSize} but the last forward call had {_forwardBatchSize}; call Forward with the same batch before Backward.");
        }

        CheckBatch(outputGradient, batchSize, OutputSize, "output gradient");

        // Backward may reuse forward buffers as scratch (Conv2d's columns), so each forward feeds one backward.
        _forwardBatchSize = 0;
        return BackwardCore(outputGradient, batchSize);
    }

    /// <summary>Validates <paramref name="inputShape"/> for this layer and returns the shape of one output sample.</summary>
    protected abstract int[] InferOutputShape(ReadOnlySpan<int> inputShape);

    /// <summary>Allocates every buffer for <paramref name="batchCapacity"/> samples; called only when the capacity grows.</summary>
    protected abstract void Allocate(int batchCapacity);

    /// <summary>The forward pass; arguments are already validated.</summary>
    protected abstract Tensor ForwardCore(Tensor input, int batchSize, bool training);

    /// <summary>The backward pass; arguments are already validated and a forward call with this batch size preceded it.</summary>
    protected abstract Tensor? BackwardCore(Tensor outputGradient, int batchSize);

    /// <summary>The product of the dimensions of <paramref name="shape"/>.</summary>
    protected static int Product(ReadOnlySpan<int> shape)
    {
        int product = 1;
        foreach (int d in shape)
        {
            product *= d;
        }

        return product;
    }

    /// <summary>Formats a shape for error messages.</summary>
    protected static string Format(ReadOnlySpan<int> shape) => $"[{string.Join(", ", shape.ToArray())}]";

    private void CheckBatch(Tensor tensor, int batchSize, int sampleSize, string role)
    {
        if (BatchCapacity == 0)
        {
            throw new InvalidOperationException($"{GetType().Name} has no buffers yet; call Reserve with the largest batch size first.");
        }

        if (batchSize < 1 || batchSize > BatchCapacity)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), $"{GetType().Name} got batch size {batchSize}; it must lie in [1, {BatchCapacity}], the reserved capacity. Call Reserve with a larger capacity first.");
        }

        if ((long)batchSize * sampleSize > tensor.Length)
        {
            throw new ArgumentException(
                $"{GetType().Name} needs {batchSize} samples of {sampleSize} values in its {role} but the tensor {tensor} holds {tensor.Length} values.", nameof(tensor));
        }
    }
}
