namespace FedSharp.Learning.Tensors;

/// <summary>
/// A row-major float32 tensor: a shape over a buffer it owns or wraps. Layers keep their activations and
/// gradients in tensors whose first dimension is the batch capacity, so one buffer serves every batch size up to it.
/// </summary>
public sealed class Tensor
{
    private readonly float[] _values;
    private readonly int[] _shape;

    /// <summary>Allocates a zero-filled tensor of the given shape.</summary>
    /// <param name="shape">The dimensions, outermost first; each at least 0.</param>
    public Tensor(params int[] shape)
        : this(new float[CheckedLength(shape)], shape)
    {
    }

    /// <summary>Wraps <paramref name="values"/> without copying; the product of <paramref name="shape"/> must equal its length.</summary>
    /// <param name="values">The values, row-major.</param>
    /// <param name="shape">The dimensions, outermost first.</param>
    public Tensor(float[] values, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(values);
        int length = CheckedLength(shape);
        if (length != values.Length)
        {
            throw new ArgumentException(
                $"Shape [{string.Join(", ", shape)}] holds {length} values but the buffer has {values.Length}; pass a buffer of exactly that length.",
                nameof(values));
        }

        _values = values;
        _shape = (int[])shape.Clone();
    }

    /// <summary>The dimensions, outermost first.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>Number of values: the product of the dimensions.</summary>
    public int Length => _values.Length;

    /// <summary>The values, row-major, writable.</summary>
    public Span<float> Span => _values;

    /// <summary>The values, row-major, read-only.</summary>
    public ReadOnlySpan<float> ReadOnlySpan => _values;

    /// <summary>Size of dimension <paramref name="axis"/>.</summary>
    public int Dimension(int axis) => _shape[axis];

    /// <summary>A view of the same buffer under another shape with the same number of values; writes show through both.</summary>
    public Tensor Reshape(params int[] shape) => new(_values, shape);

    /// <inheritdoc />
    public override string ToString() => $"Tensor[{string.Join(", ", _shape)}]";

    private static int CheckedLength(int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long length = 1;
        foreach (int d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Shape [{string.Join(", ", shape)}] has a negative dimension; every dimension must be at least 0.", nameof(shape));
            }

            length *= d;
            if (length > Array.MaxLength)
            {
                throw new ArgumentException($"Shape [{string.Join(", ", shape)}] holds more values than one array can ({Array.MaxLength}); use a smaller batch.", nameof(shape));
            }
        }

        return (int)length;
    }
}
