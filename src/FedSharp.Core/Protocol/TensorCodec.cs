using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.InteropServices;
using FedSharp.Core.Models;
using Google.Protobuf;

namespace FedSharp.Core.Protocol;

/// <summary>
/// Converts between <see cref="ModelParameters"/> and the wire's <see cref="TensorData"/> list (packed
/// little-endian float32 per named tensor), and checks a received list against the model's layout.
/// </summary>
/// <remarks>
/// Encoding and decoding are bit-exact on every platform: on little-endian hardware the bytes are the
/// in-memory floats; on big-endian hardware every 4-byte word is swapped. Decoding into existing buffers
/// (<see cref="DecodeInto"/>) allocates nothing, because a server decodes thousands of updates per second.
/// </remarks>
public static partial class TensorCodec
{
    /// <summary>Encodes one tensor; the result owns a fresh copy of the values.</summary>
    /// <param name="tensor">The tensor to encode.</param>
    /// <returns>The tensor's name, shape and little-endian float32 bytes.</returns>
    public static TensorData Encode(ParameterTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        byte[] bytes = new byte[checked(tensor.Length * sizeof(float))];
        WriteLittleEndian(tensor.Values, bytes);
        var data = new TensorData
        {
            Name = tensor.Name,
            // The array is never touched again, so wrapping it saves the copy ByteString.CopyFrom would make.
            Data = UnsafeByteOperations.UnsafeWrap(bytes),
        };
        foreach (int dimension in tensor.Shape)
        {
            data.Shape.Add(dimension);
        }

        return data;
    }

    /// <summary>Encodes every tensor of a model, in the model's order.</summary>
    /// <param name="parameters">The model to encode.</param>
    /// <returns>One <see cref="TensorData"/> per tensor, ready for a reply's <c>tensors</c> field.</returns>
    public static TensorData[] Encode(ModelParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var encoded = new TensorData[parameters.Count];
        for (int i = 0; i < encoded.Length; i++)
        {
            encoded[i] = Encode(parameters[i]);
        }

        return encoded;
    }

    /// <summary>
    /// Checks <paramref name="received"/> against <paramref name="layout"/> without decoding: every tensor of the
    /// model present exactly once (in any order), no unknown name, the model's shape, 4 × product(shape) bytes and
    /// only finite values.
    /// </summary>
    /// <param name="received">The tensors of a request.</param>
    /// <param name="layout">The model the tensors must match; only names and shapes are read.</param>
    /// <returns>Null when the list is valid; otherwise the first fault found.</returns>
    public static TensorFault? Validate(IReadOnlyList<TensorData> received, ModelParameters layout)
    {
        ArgumentNullException.ThrowIfNull(received);
        ArgumentNullException.ThrowIfNull(layout);
        Span<int> modelIndex = received.Count <= StackLimit ? stackalloc int[received.Count] : new int[received.Count];
        TensorFault? fault = CheckStructure(received, layout, modelIndex);
        if (fault is not null)
        {
            return fault;
        }

        for (int i = 0; i < received.Count; i++)
        {
            int bad = IndexOfNonFiniteLittleEndian(received[i].Data.Span);
            if (bad >= 0)
            {
                ParameterTensor expected = layout[modelIndex[i]];
                float value = BinaryPrimitives.ReadSingleLittleEndian(received[i].Data.Span.Slice(bad * sizeof(float)));
                return NonFinite(expected, bad, value);
            }
        }

        return null;
    }

    /// <summary>
    /// Validates <paramref name="received"/> against <paramref name="destination"/>'s layout and writes the values
    /// into <paramref name="destination"/>'s tensors, in the model's order whatever the order received. Allocates
    /// nothing for models of up to 256 tensors.
    /// </summary>
    /// <param name="received">The tensors of a request.</param>
    /// <param name="destination">Buffers with the expected layout; overwritten. Their contents are unspecified
    /// when a fault is returned.</param>
    /// <returns>Null on success; otherwise the first fault found.</returns>
    public static TensorFault? DecodeInto(IReadOnlyList<TensorData> received, ModelParameters destination)
    {
        ArgumentNullException.ThrowIfNull(received);
        ArgumentNullException.ThrowIfNull(destination);
        Span<int> modelIndex = received.Count <= StackLimit ? stackalloc int[received.Count] : new int[received.Count];
        TensorFault? fault = CheckStructure(received, destination, modelIndex);
        if (fault is not null)
        {
            return fault;
        }

        for (int i = 0; i < received.Count; i++)
        {
            ParameterTensor target = destination[modelIndex[i]];
            ReadLittleEndian(received[i].Data.Span, target.Values);
            int bad = IndexOfNonFinite(target.Values);
            if (bad >= 0)
            {
                return NonFinite(target, bad, target.Values[bad]);
            }
        }

        return null;
    }

    /// <summary>Validates and decodes <paramref name="received"/> into a new model with <paramref name="layout"/>'s names, shapes and order.</summary>
    /// <param name="received">The tensors of a request or reply.</param>
    /// <param name="layout">The expected model; only names and shapes are read.</param>
    /// <param name="parameters">The decoded model when the list is valid.</param>
    /// <param name="fault">The first fault found when it is not.</param>
    /// <returns>True when the list matched the layout.</returns>
    public static bool TryDecode(
        IReadOnlyList<TensorData> received,
        ModelParameters layout,
        [NotNullWhen(true)] out ModelParameters? parameters,
        [NotNullWhen(false)] out TensorFault? fault)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ModelParameters decoded = layout.ZerosLike();
        fault = DecodeInto(received, decoded);
        parameters = fault is null ? decoded : null;
        return fault is null;
    }

    /// <summary>Decodes packed little-endian float32 bytes.</summary>
    /// <param name="source">Exactly 4 × <paramref name="destination"/>.Length bytes.</param>
    /// <param name="destination">Receives the values.</param>
    public static void ReadLittleEndian(ReadOnlySpan<byte> source, Span<float> destination)
    {
        CheckByteLength(source.Length, destination.Length);
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
        }
        else
        {
            BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, uint>(source), MemoryMarshal.Cast<float, uint>(destination));
        }
    }

    /// <summary>Encodes float32 values as packed little-endian bytes.</summary>
    /// <param name="source">The values.</param>
    /// <param name="destination">Exactly 4 × <paramref name="source"/>.Length bytes.</param>
    public static void WriteLittleEndian(ReadOnlySpan<float> source, Span<byte> destination)
    {
        CheckByteLength(destination.Length, source.Length);
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(source).CopyTo(destination);
        }
        else
        {
            BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<float, uint>(source), MemoryMarshal.Cast<byte, uint>(destination));
        }
    }

    /// <summary>Finds the first NaN or ±infinity.</summary>
    /// <param name="values">The values to scan.</param>
    /// <returns>The index of the first non-finite value, or -1 when all are finite.</returns>
    public static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        ReadOnlySpan<uint> bits = MemoryMarshal.Cast<float, uint>(values);
        int i = 0;
        if (Vector.IsHardwareAccelerated && bits.Length >= Vector<uint>.Count)
        {
            // A binary32 value is NaN or ±Inf exactly when its eight exponent bits are all ones. Lanes are plain
            // uint words, so the test is independent of the float's sign and payload.
            var exponent = new Vector<uint>(ExponentMask);
            int last = bits.Length - Vector<uint>.Count;
            for (; i <= last; i += Vector<uint>.Count)
            {
                if (Vector.EqualsAny(new Vector<uint>(bits.Slice(i)) & exponent, exponent))
                {
                    break;
                }
            }
        }

        for (; i < bits.Length; i++)
        {
            if ((bits[i] & ExponentMask) == ExponentMask)
            {
                return i;
            }
        }

        return -1;
    }

    private static int IndexOfNonFiniteLittleEndian(ReadOnlySpan<byte> data)
    {
        if (BitConverter.IsLittleEndian)
        {
            return IndexOfNonFinite(MemoryMarshal.Cast<byte, float>(data));
        }

        return TensorCodecScalar.IndexOfNonFiniteLittleEndian(data);
    }

    private static void CheckByteLength(int byteLength, int valueCount)
    {
        if ((long)valueCount * sizeof(float) != byteLength)
        {
            throw new ArgumentException(
                $"{valueCount} float32 values need {(long)valueCount * sizeof(float)} bytes but the byte span has {byteLength}; size both spans from the same tensor.");
        }
    }
}
