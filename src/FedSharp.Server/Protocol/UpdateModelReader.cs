using System.Buffers;
using System.Text;
using FedSharp.Core.Protocol;
using Google.Protobuf;

namespace FedSharp.Server.Protocol;

/// <summary>
/// Parses an <see cref="UpdateModelRequest"/> whose tensors' <c>data</c> wrap the request body instead of copying it:
/// the update is then copied once, from the body straight into the decode buffers. Every other field goes through
/// the generated parser, so their meaning cannot drift from the schema.
/// </summary>
/// <remarks>
/// The result is valid only while the body is: the handler decodes the tensors before it returns. The reader walks
/// the wire format (varint tags, the four wire types) and understands the <c>TensorData</c> envelope (name, packed
/// or unpacked shape, data; unknown fields skipped, later values winning as protobuf does). Anything it cannot walk
/// returns null, and the caller falls back to the generated parser, which parses it or reports why it is malformed.
/// </remarks>
internal static class UpdateModelReader
{
    private const int VarintWireType = 0;
    private const int Fixed64WireType = 1;
    private const int LengthDelimitedWireType = 2;
    private const int Fixed32WireType = 5;

    public static UpdateModelRequest? TryParse(ReadOnlyMemory<byte> body, int maxTensors, out bool tooManyTensors)
    {
        tooManyTensors = false;
        ReadOnlySpan<byte> span = body.Span;
        // Fields other than the tensors are small; they are gathered, in order, and parsed by the generated code.
        byte[] rest = ArrayPool<byte>.Shared.Rent(256);
        int restLength = 0;
        var tensorRanges = new List<Range>();
        try
        {
            int position = 0;
            while (position < span.Length)
            {
                int fieldStart = position;
                if (!TryReadTag(span, ref position, out int field, out int wireType)
                    || !TrySkipValue(span, ref position, wireType, out int valueStart))
                {
                    return null;
                }

                if (field == UpdateModelRequest.TensorsFieldNumber && wireType == LengthDelimitedWireType)
                {
                    tensorRanges.Add(valueStart..position);

                    // A small body can hold millions of empty tensor entries; stop before building any of them.
                    if (tensorRanges.Count > maxTensors)
                    {
                        tooManyTensors = true;
                        return null;
                    }

                    continue;
                }

                int fieldLength = position - fieldStart;
                if (restLength + fieldLength > rest.Length)
                {
                    byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(2 * rest.Length, restLength + fieldLength));
                    rest.AsSpan(0, restLength).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(rest);
                    rest = larger;
                }

                span[fieldStart..position].CopyTo(rest.AsSpan(restLength));
                restLength += fieldLength;
            }

            UpdateModelRequest request = UpdateModelRequest.Parser.ParseFrom(rest.AsSpan(0, restLength));
            foreach (Range range in tensorRanges)
            {
                TensorData? tensor = TryReadTensor(body[range]);
                if (tensor is null)
                {
                    return null;
                }

                request.Tensors.Add(tensor);
            }

            return request;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rest);
        }
    }

    private static TensorData? TryReadTensor(ReadOnlyMemory<byte> message)
    {
        ReadOnlySpan<byte> span = message.Span;
        var tensor = new TensorData();
        int position = 0;
        while (position < span.Length)
        {
            if (!TryReadTag(span, ref position, out int field, out int wireType))
            {
                return null;
            }

            switch (field, wireType)
            {
                case (TensorData.NameFieldNumber, LengthDelimitedWireType):
                    if (!TryReadLength(span, ref position, out int nameLength))
                    {
                        return null;
                    }

                    tensor.Name = Encoding.UTF8.GetString(span.Slice(position, nameLength));
                    position += nameLength;
                    break;
                case (TensorData.ShapeFieldNumber, LengthDelimitedWireType):
                    if (!TryReadLength(span, ref position, out int packedLength))
                    {
                        return null;
                    }

                    int end = position + packedLength;
                    while (position < end)
                    {
                        if (!TryReadVarint(span[..end], ref position, out ulong dimension))
                        {
                            return null;
                        }

                        // int32 fields keep the low 32 bits of the varint, as the generated parser does.
                        tensor.Shape.Add(unchecked((int)dimension));
                    }

                    break;
                case (TensorData.ShapeFieldNumber, VarintWireType):
                    if (!TryReadVarint(span, ref position, out ulong single))
                    {
                        return null;
                    }

                    tensor.Shape.Add(unchecked((int)single));
                    break;
                case (TensorData.DataFieldNumber, LengthDelimitedWireType):
                    if (!TryReadLength(span, ref position, out int dataLength))
                    {
                        return null;
                    }

                    tensor.Data = UnsafeByteOperations.UnsafeWrap(message.Slice(position, dataLength));
                    position += dataLength;
                    break;
                default:
                    if (!TrySkipValue(span, ref position, wireType, out _))
                    {
                        return null;
                    }

                    break;
            }
        }

        return tensor;
    }

    private static bool TryReadTag(ReadOnlySpan<byte> span, ref int position, out int field, out int wireType)
    {
        field = 0;
        wireType = 0;
        if (!TryReadVarint(span, ref position, out ulong tag) || tag > uint.MaxValue)
        {
            return false;
        }

        field = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        return field > 0;
    }

    /// <summary>Moves past one value of <paramref name="wireType"/>; <paramref name="valueStart"/> is where a length-delimited payload begins.</summary>
    private static bool TrySkipValue(ReadOnlySpan<byte> span, ref int position, int wireType, out int valueStart)
    {
        valueStart = position;
        switch (wireType)
        {
            case VarintWireType:
                return TryReadVarint(span, ref position, out _);
            case Fixed64WireType:
                return TryAdvance(span, ref position, sizeof(ulong));
            case LengthDelimitedWireType:
                if (!TryReadLength(span, ref position, out int length))
                {
                    return false;
                }

                valueStart = position;
                position += length;
                return true;
            case Fixed32WireType:
                return TryAdvance(span, ref position, sizeof(uint));
            default:
                // Groups (3, 4) are not used by the schema; the generated parser decides what to do with them.
                return false;
        }
    }

    /// <summary>Reads a length prefix that fits in the rest of <paramref name="span"/>.</summary>
    private static bool TryReadLength(ReadOnlySpan<byte> span, ref int position, out int length)
    {
        length = 0;
        if (!TryReadVarint(span, ref position, out ulong value) || value > (ulong)(span.Length - position))
        {
            return false;
        }

        length = (int)value;
        return true;
    }

    private static bool TryAdvance(ReadOnlySpan<byte> span, ref int position, int count)
    {
        if (span.Length - position < count)
        {
            return false;
        }

        position += count;
        return true;
    }

    /// <summary>Reads a protobuf base-128 varint at <paramref name="position"/>; false when the span ends inside it.</summary>
    internal static bool TryReadVarint(ReadOnlySpan<byte> span, ref int position, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 64 && position < span.Length; shift += 7)
        {
            byte b = span[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }
}
