namespace FedSharp.Core.Models;

/// <summary>One named float32 tensor of a model: a weight matrix, a bias, a convolution kernel.</summary>
public sealed class ParameterTensor
{
    private readonly int[] _shape;

    /// <summary>Wraps <paramref name="values"/> without copying; the shape's product must equal its length.</summary>
    /// <param name="name">The layer-qualified name, e.g. <c>conv1.weight</c>. Unique within a model.</param>
    /// <param name="shape">The dimensions, outermost first; empty for a scalar.</param>
    /// <param name="values">The values, row-major.</param>
    public ParameterTensor(string name, int[] shape, float[] values)
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

    /// <summary>The values, row-major. Mutable so that aggregation can work in place.</summary>
    public float[] Values { get; }

    /// <summary>Number of values.</summary>
    public int Length => Values.Length;

    /// <summary>A deep copy.</summary>
    public ParameterTensor Clone() => new(Name, _shape, (float[])Values.Clone());

    /// <summary>True when <paramref name="other"/> has the same name and shape.</summary>
    public bool HasSameLayout(ParameterTensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Name == other.Name && Shape.SequenceEqual(other.Shape);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name}[{string.Join(", ", _shape)}]";
}
