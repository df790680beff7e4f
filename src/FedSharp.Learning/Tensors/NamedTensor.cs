namespace FedSharp.Learning.Tensors;

/// <summary>
/// One exported model parameter: its PyTorch-style name (<c>conv1.weight</c>), shape and values. A model exports
/// and imports an ordered list of these; the FL layer maps them onto its own wire types.
/// </summary>
public sealed class NamedTensor
{
    private readonly int[] _shape;

    /// <summary>Wraps <paramref name="values"/> without copying; the product of <paramref name="shape"/> must equal its length.</summary>
    /// <param name="name">The layer-qualified name, e.g. <c>fc1.bias</c>.</param>
    /// <param name="shape">The dimensions, outermost first.</param>
    /// <param name="values">The values, row-major.</param>
    public NamedTensor(string name, int[] shape, float[] values)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(values);
        long length = 1;
        foreach (int d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Tensor '{name}' has a negative dimension in shape [{string.Join(", ", shape)}].", nameof(shape));
            }

            length *= d;
        }

        if (length != values.Length)
        {
            throw new ArgumentException(
                $"Tensor '{name}' has shape [{string.Join(", ", shape)}] ({length} values) but {values.Length} values were given.", nameof(values));
        }

        Name = name;
        _shape = (int[])shape.Clone();
        Values = values;
    }

    /// <summary>The layer-qualified name, unique within a model.</summary>
    public string Name { get; }

    /// <summary>The dimensions, outermost first.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The values, row-major.</summary>
    public float[] Values { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Name}[{string.Join(", ", _shape)}]";
}
