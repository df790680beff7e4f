using System.Text;
using FedSharp.Core.Models;

namespace FedSharp.Core.Protocol;

public static partial class TensorCodec
{
    private const uint ExponentMask = 0x7F80_0000u;

    // Models with more tensors than this use heap scratch; every model in the zoo has far fewer.
    private const int StackLimit = 256;

    // Names, duplicates, shapes and byte lengths; fills modelIndex[i] with the layout position of received[i].
    private static TensorFault? CheckStructure(IReadOnlyList<TensorData> received, ModelParameters layout, Span<int> modelIndex)
    {
        Span<int> receivedAt = layout.Count <= StackLimit ? stackalloc int[layout.Count] : new int[layout.Count];
        receivedAt.Fill(-1);
        for (int i = 0; i < received.Count; i++)
        {
            TensorData tensor = received[i];
            int index = IndexInLayout(tensor.Name, i, layout);
            if (index < 0)
            {
                return new TensorFault(
                    TensorFaultKind.UnknownName,
                    tensor.Name,
                    $"tensor '{tensor.Name}' is not part of the model; the model's tensors are {ListNames(layout)}");
            }

            if (receivedAt[index] >= 0)
            {
                return new TensorFault(
                    TensorFaultKind.DuplicateName,
                    tensor.Name,
                    $"tensor '{tensor.Name}' appears twice (positions {receivedAt[index]} and {i}); send each tensor once");
            }

            receivedAt[index] = i;
            modelIndex[i] = index;
            ParameterTensor expected = layout[index];
            if (!SameShape(tensor, expected.Shape))
            {
                return new TensorFault(
                    TensorFaultKind.WrongShape,
                    tensor.Name,
                    $"tensor '{tensor.Name}' has shape {FormatShape(tensor)}; the model expects {FormatShape(expected.Shape)}");
            }

            int bytes = tensor.Data.Length;
            if (bytes != expected.Length * sizeof(float))
            {
                string message = bytes % sizeof(float) != 0
                    ? $"tensor '{tensor.Name}' carries {bytes} bytes, not a whole number of float32 values; the model expects {FormatShape(expected.Shape)} = {expected.Length} values = {expected.Length * sizeof(float)} bytes"
                    : $"tensor '{tensor.Name}' has {bytes / sizeof(float)} values; the model expects {FormatShape(expected.Shape)} = {expected.Length}";
                return new TensorFault(TensorFaultKind.WrongByteLength, tensor.Name, message);
            }
        }

        for (int j = 0; j < receivedAt.Length; j++)
        {
            if (receivedAt[j] < 0)
            {
                string name = layout[j].Name;
                return new TensorFault(
                    TensorFaultKind.MissingName,
                    name,
                    $"tensor '{name}' {FormatShape(layout[j].Shape)} is missing; every tensor of the model must be sent ({layout.Count} in all, {received.Count} received)");
            }
        }

        return null;
    }

    private static int IndexInLayout(string name, int position, ModelParameters layout)
    {
        // Clients send tensors in the model's order, so the same position almost always matches.
        if (position < layout.Count && string.Equals(layout[position].Name, name, StringComparison.Ordinal))
        {
            return position;
        }

        if (!layout.TryGet(name, out ParameterTensor? tensor))
        {
            return -1;
        }

        for (int j = 0; j < layout.Count; j++)
        {
            if (ReferenceEquals(layout[j], tensor))
            {
                return j;
            }
        }

        return -1;
    }

    private static bool SameShape(TensorData tensor, ReadOnlySpan<int> expected)
    {
        if (tensor.Shape.Count != expected.Length)
        {
            return false;
        }

        for (int d = 0; d < expected.Length; d++)
        {
            if (tensor.Shape[d] != expected[d])
            {
                return false;
            }
        }

        return true;
    }

    private static TensorFault NonFinite(ParameterTensor tensor, int flatIndex, float value)
    {
        string kind = float.IsNaN(value) ? "NaN" : value > 0 ? "+Infinity" : "-Infinity";
        return new TensorFault(
            TensorFaultKind.NonFinite,
            tensor.Name,
            $"tensor '{tensor.Name}' value {flatIndex} (position {FormatPosition(flatIndex, tensor.Shape)}) is {kind}; every value must be finite");
    }

    private static string FormatPosition(int flatIndex, ReadOnlySpan<int> shape)
    {
        Span<int> position = shape.Length <= 16 ? stackalloc int[shape.Length] : new int[shape.Length];
        int rest = flatIndex;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            position[d] = shape[d] == 0 ? 0 : rest % shape[d];
            rest = shape[d] == 0 ? 0 : rest / shape[d];
        }

        return FormatShape(position);
    }

    private static string FormatShape(TensorData tensor) => "[" + string.Join(", ", tensor.Shape) + "]";

    private static string FormatShape(ReadOnlySpan<int> shape)
    {
        var text = new StringBuilder("[");
        for (int d = 0; d < shape.Length; d++)
        {
            text.Append(d == 0 ? string.Empty : ", ").Append(shape[d]);
        }

        return text.Append(']').ToString();
    }

    private static string ListNames(ModelParameters layout)
    {
        const int Shown = 12;
        IEnumerable<string> names = layout.Tensors.Take(Shown).Select(t => t.Name);
        string more = layout.Count > Shown ? $", … ({layout.Count} in all)" : string.Empty;
        return string.Join(", ", names) + more;
    }
}
