using System.Buffers.Binary;

namespace FedSharp.Core.Protocol;

/// <summary>
/// The scalar twin of <see cref="TensorCodec"/>'s kernels: one value at a time through
/// <see cref="BinaryPrimitives"/>, correct on any byte order. It is the tests' oracle and the big-endian path.
/// </summary>
internal static class TensorCodecScalar
{
    public static void ReadLittleEndian(ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (source.Length != destination.Length * sizeof(float))
        {
            throw new ArgumentException($"{destination.Length} float32 values need {destination.Length * sizeof(float)} bytes but the byte span has {source.Length}.");
        }

        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source.Slice(i * sizeof(float)));
        }
    }

    public static void WriteLittleEndian(ReadOnlySpan<float> source, Span<byte> destination)
    {
        if (destination.Length != source.Length * sizeof(float))
        {
            throw new ArgumentException($"{source.Length} float32 values need {source.Length * sizeof(float)} bytes but the byte span has {destination.Length}.");
        }

        for (int i = 0; i < source.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(destination.Slice(i * sizeof(float)), source[i]);
        }
    }

    public static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }

    public static int IndexOfNonFiniteLittleEndian(ReadOnlySpan<byte> data)
    {
        for (int i = 0; i + sizeof(float) <= data.Length; i += sizeof(float))
        {
            if (!float.IsFinite(BinaryPrimitives.ReadSingleLittleEndian(data.Slice(i))))
            {
                return i / sizeof(float);
            }
        }

        return -1;
    }
}
