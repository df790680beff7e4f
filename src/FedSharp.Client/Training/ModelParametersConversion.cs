using FedSharp.Core.Models;
using FedSharp.Learning.Tensors;

namespace FedSharp.Client.Training;

/// <summary>
/// Maps FedSharp.Learning's exported <see cref="NamedTensor"/> lists onto Core's <see cref="ModelParameters"/> and
/// back. The value arrays are shared, not copied, so a conversion is bit-exact and costs no copy of the weights.
/// </summary>
public static class ModelParametersConversion
{
    /// <summary>Wraps the tensors, in order, as model parameters; names must be unique.</summary>
    /// <param name="tensors">A model's export, e.g. <c>Sequential.ExportParameters()</c>.</param>
    /// <returns>Parameters sharing the tensors' value arrays.</returns>
    public static ModelParameters ToModelParameters(IReadOnlyList<NamedTensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var converted = new ParameterTensor[tensors.Count];
        for (int i = 0; i < converted.Length; i++)
        {
            NamedTensor tensor = tensors[i] ?? throw new ArgumentException($"Tensor {i} of the export is null.", nameof(tensors));
            converted[i] = new ParameterTensor(tensor.Name, tensor.Shape.ToArray(), tensor.Values);
        }

        return new ModelParameters(converted);
    }

    /// <summary>Wraps the parameters, in order, as named tensors for <c>Sequential.ImportParameters</c>.</summary>
    /// <param name="parameters">The parameters to convert.</param>
    /// <returns>Named tensors sharing the parameters' value arrays.</returns>
    public static IReadOnlyList<NamedTensor> ToNamedTensors(ModelParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var converted = new NamedTensor[parameters.Count];
        for (int i = 0; i < converted.Length; i++)
        {
            ParameterTensor tensor = parameters[i];
            converted[i] = new NamedTensor(tensor.Name, tensor.Shape.ToArray(), tensor.Values);
        }

        return converted;
    }

    /// <summary>
    /// Describes the first difference between two layouts (count, then name and shape at each position), or returns
    /// null when names, shapes and order agree.
    /// </summary>
    /// <param name="expected">The layout the receiver holds.</param>
    /// <param name="given">The layout offered.</param>
    /// <returns>A sentence naming the position, both names and both shapes; null when the layouts match.</returns>
    public static string? DescribeLayoutDifference(ModelParameters expected, ModelParameters given)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(given);
        int common = Math.Min(expected.Count, given.Count);
        for (int i = 0; i < common; i++)
        {
            if (!expected[i].HasSameLayout(given[i]))
            {
                return $"tensor {i} is {given[i]} but the model expects {expected[i]} there";
            }
        }

        if (expected.Count != given.Count)
        {
            return $"{given.Count} tensors were given but the model has {expected.Count} ({string.Join(", ", expected.Tensors)})";
        }

        return null;
    }
}
