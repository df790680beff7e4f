namespace FedSharp.Core.Models;

/// <summary>
/// The one thing federated learning exchanges: an ordered list of named float32 tensors. Order is part of the
/// identity: two models match only when names, shapes and order agree.
/// </summary>
public sealed class ModelParameters
{
    private readonly ParameterTensor[] _tensors;
    private readonly Dictionary<string, int> _indexByName;

    /// <summary>Takes the tensors in order; names must be unique.</summary>
    public ModelParameters(IEnumerable<ParameterTensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        _tensors = [.. tensors];
        _indexByName = new Dictionary<string, int>(_tensors.Length, StringComparer.Ordinal);
        for (int i = 0; i < _tensors.Length; i++)
        {
            if (!_indexByName.TryAdd(_tensors[i].Name, i))
            {
                throw new ArgumentException($"Tensor name '{_tensors[i].Name}' appears twice; every tensor of a model needs a unique name.", nameof(tensors));
            }

            TotalLength += _tensors[i].Length;
        }
    }

    /// <summary>The tensors, in order.</summary>
    public IReadOnlyList<ParameterTensor> Tensors => _tensors;

    /// <summary>Number of tensors.</summary>
    public int Count => _tensors.Length;

    /// <summary>Total number of float32 values across all tensors.</summary>
    public long TotalLength { get; }

    /// <summary>The tensor at <paramref name="index"/>.</summary>
    public ParameterTensor this[int index] => _tensors[index];

    /// <summary>Finds a tensor by name.</summary>
    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ParameterTensor? tensor)
    {
        if (_indexByName.TryGetValue(name, out int index))
        {
            tensor = _tensors[index];
            return true;
        }

        tensor = null;
        return false;
    }

    /// <summary>A deep copy.</summary>
    public ModelParameters Clone() => new(_tensors.Select(t => t.Clone()));

    /// <summary>A copy with every value set to zero, same names and shapes.</summary>
    public ModelParameters ZerosLike() => new(_tensors.Select(t => new ParameterTensor(t.Name, t.Shape.ToArray(), new float[t.Length])));

    /// <summary>True when both models have the same names and shapes in the same order.</summary>
    public bool HasSameLayout(ModelParameters other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Count != Count)
        {
            return false;
        }

        for (int i = 0; i < _tensors.Length; i++)
        {
            if (!_tensors[i].HasSameLayout(other._tensors[i]))
            {
                return false;
            }
        }

        return true;
    }
}
