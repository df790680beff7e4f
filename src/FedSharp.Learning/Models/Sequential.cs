using FedSharp.Learning.Layers;
using FedSharp.Learning.Tensors;

namespace FedSharp.Learning.Models;

/// <summary>
/// A model: layers applied in order to samples of a fixed input shape. It owns the parameters' names and order,
/// which is the layout federated learning exchanges through <see cref="ExportParameters"/> and
/// <see cref="ImportParameters"/>.
/// </summary>
public sealed class Sequential
{
    private readonly Layer[] _layers;
    private readonly Parameter[] _parameters;
    private readonly int[] _inputShape;

    /// <summary>Binds every layer to the shape its predecessor produces; the first layer gets no input gradient.</summary>
    /// <param name="inputShape">The shape of one input sample, e.g. [1, 28, 28].</param>
    /// <param name="layers">The layers in order; each instance belongs to this model only.</param>
    public Sequential(ReadOnlySpan<int> inputShape, params Layer[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Length == 0)
        {
            throw new ArgumentException("A model needs at least one layer.", nameof(layers));
        }

        _inputShape = inputShape.ToArray();
        _layers = (Layer[])layers.Clone();
        ReadOnlySpan<int> shape = inputShape;
        var parameters = new List<Parameter>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < _layers.Length; i++)
        {
            Layer layer = _layers[i] ?? throw new ArgumentException($"Layer {i} is null.", nameof(layers));
            layer.Bind(shape);
            shape = layer.OutputShape;
            foreach (Parameter parameter in layer.Parameters)
            {
                if (!names.Add(parameter.Name))
                {
                    throw new ArgumentException($"Parameter name '{parameter.Name}' appears twice (layer {i}); give every layer with parameters a unique name.", nameof(layers));
                }

                parameters.Add(parameter);
            }
        }

        // The input is data: nobody consumes its gradient, and for a first convolution it would cost a GEMM and col2im.
        _layers[0].ComputesInputGradient = false;
        _parameters = [.. parameters];
        foreach (Parameter parameter in _parameters)
        {
            ParameterCount += parameter.Value.Length;
        }
    }

    /// <summary>The layers in order.</summary>
    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>Every trainable tensor, in layer order then the layer's own order (weight before bias).</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>The total number of trainable values.</summary>
    public long ParameterCount { get; }

    /// <summary>The shape of one input sample.</summary>
    public ReadOnlySpan<int> InputShape => _inputShape;

    /// <summary>The shape of one output sample, e.g. [10] logits.</summary>
    public ReadOnlySpan<int> OutputShape => _layers[^1].OutputShape;

    /// <summary>Values per input sample.</summary>
    public int InputSize => _layers[0].InputSize;

    /// <summary>Values per output sample.</summary>
    public int OutputSize => _layers[^1].OutputSize;

    /// <summary>The largest batch every layer's buffers hold.</summary>
    public int BatchCapacity => _layers[0].BatchCapacity;

    /// <summary>Makes every layer hold batches of up to <paramref name="batchCapacity"/> samples; never shrinks.</summary>
    public void Reserve(int batchCapacity)
    {
        foreach (Layer layer in _layers)
        {
            layer.Reserve(batchCapacity);
        }
    }

    /// <summary>Runs the layers forward over the first <paramref name="batchSize"/> samples of <paramref name="input"/>.</summary>
    /// <param name="input">Samples of <see cref="InputShape"/>, sample-major.</param>
    /// <param name="batchSize">Number of valid samples, from 1 to <see cref="BatchCapacity"/>.</param>
    /// <param name="training">True in training (dropout active), false at evaluation.</param>
    /// <returns>The last layer's output buffer, [capacity, output...]; the first <paramref name="batchSize"/> rows are valid.</returns>
    public Tensor Forward(Tensor input, int batchSize, bool training)
    {
        Tensor activation = input;
        foreach (Layer layer in _layers)
        {
            activation = layer.Forward(activation, batchSize, training);
        }

        return activation;
    }

    /// <summary>Runs the layers backward from d(loss)/d(output), overwriting every parameter's gradient.</summary>
    /// <param name="outputGradient">d(loss)/d(output) for the batch of the preceding forward call.</param>
    /// <param name="batchSize">The batch size of the preceding forward call.</param>
    public void Backward(Tensor outputGradient, int batchSize)
    {
        Tensor? gradient = outputGradient;
        for (int i = _layers.Length - 1; i >= 0; i--)
        {
            gradient = _layers[i].Backward(
                gradient ?? throw new InvalidOperationException($"Layer {i + 1} ({_layers[i + 1].GetType().Name}) computes no input gradient, but layer {i} before it needs one; only the first layer may skip it."),
                batchSize);
        }
    }

    /// <summary>Copies every parameter out, in order, as named tensors with PyTorch's names and shapes.</summary>
    public IReadOnlyList<NamedTensor> ExportParameters()
    {
        var tensors = new NamedTensor[_parameters.Length];
        for (int i = 0; i < _parameters.Length; i++)
        {
            Parameter parameter = _parameters[i];
            tensors[i] = new NamedTensor(parameter.Name, parameter.Value.Shape.ToArray(), parameter.Value.ReadOnlySpan.ToArray());
        }

        return tensors;
    }

    /// <summary>
    /// Copies <paramref name="tensors"/> into the parameters, bit for bit. The list must match
    /// <see cref="ExportParameters"/> in count, order, names and shapes; on a mismatch nothing is changed.
    /// </summary>
    public void ImportParameters(IReadOnlyList<NamedTensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count != _parameters.Length)
        {
            throw new ArgumentException(
                $"The model has {_parameters.Length} parameter tensors ({string.Join(", ", _parameters.Select(p => p.ToString()))}) but {tensors.Count} were given; export from the same model architecture.",
                nameof(tensors));
        }

        for (int i = 0; i < _parameters.Length; i++)
        {
            Parameter expected = _parameters[i];
            NamedTensor given = tensors[i] ?? throw new ArgumentException($"Tensor {i} is null; the model expects {expected} there.", nameof(tensors));
            if (given.Name != expected.Name)
            {
                throw new ArgumentException(
                    $"Tensor {i} is named '{given.Name}' but the model expects '{expected.Name}' with shape [{string.Join(", ", expected.Value.Shape.ToArray())}] at that position; names and order must match the model's export.",
                    nameof(tensors));
            }

            if (!given.Shape.SequenceEqual(expected.Value.Shape))
            {
                throw new ArgumentException(
                    $"Tensor '{given.Name}' has shape [{string.Join(", ", given.Shape.ToArray())}] but the model expects [{string.Join(", ", expected.Value.Shape.ToArray())}]; the architectures differ.",
                    nameof(tensors));
            }
        }

        for (int i = 0; i < _parameters.Length; i++)
        {
            tensors[i].Values.CopyTo(_parameters[i].Value.Span);
        }
    }
}
