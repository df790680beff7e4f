using FedSharp.Learning.Tensors;

namespace FedSharp.Learning.Layers;

/// <summary>A trainable tensor of a layer and the gradient that the layer's backward pass writes beside it.</summary>
public sealed class Parameter
{
    /// <summary>Allocates a zero value and a zero gradient of the given shape.</summary>
    /// <param name="name">The layer-qualified name in PyTorch's convention, e.g. <c>conv1.weight</c>.</param>
    /// <param name="shape">The dimensions in PyTorch's layout, e.g. [out, in] for a linear weight.</param>
    public Parameter(string name, params int[] shape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Value = new Tensor(shape);
        Gradient = new Tensor(shape);
    }

    /// <summary>The layer-qualified name, unique within a model.</summary>
    public string Name { get; }

    /// <summary>The current values.</summary>
    public Tensor Value { get; }

    /// <summary>d(loss)/d(value) from the last backward pass, which overwrites it rather than accumulating.</summary>
    public Tensor Gradient { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Name}[{string.Join(", ", Value.Shape.ToArray())}]";
}
