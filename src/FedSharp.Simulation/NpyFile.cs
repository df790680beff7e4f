using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace FedSharp.Simulation;

/// <summary>
/// Writes NumPy's <c>.npy</c> format (version 1.0), which <c>numpy.load</c> reads with no other package: the magic
/// <c>\x93NUMPY</c>, the version, a little-endian 16-bit header length, an ASCII header dictionary padded with spaces
/// to a multiple of 64 bytes and ended by a newline, then the values in C order.
/// </summary>
internal static class NpyFile
{
    private const int Alignment = 64;

    /// <summary>Writes little-endian float32 values (<c>&lt;f4</c>) of the given shape.</summary>
    public static void WriteFloat32(string path, ReadOnlySpan<int> shape, ReadOnlySpan<float> values)
    {
        CheckLength(shape, values.Length, path);
        byte[] data = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(i * sizeof(float)), values[i]);
        }

        Write(path, "<f4", shape, data);
    }

    /// <summary>Writes a one-dimensional array of little-endian int32 values (<c>&lt;i4</c>).</summary>
    public static void WriteInt32(string path, ReadOnlySpan<int> values)
    {
        byte[] data = new byte[values.Length * sizeof(int)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(i * sizeof(int)), values[i]);
        }

        Write(path, "<i4", [values.Length], data);
    }

    private static void Write(string path, string descr, ReadOnlySpan<int> shape, byte[] data)
    {
        // A one-element tuple needs its trailing comma in Python: (6,).
        string dims = shape.Length == 1
            ? shape[0].ToString(CultureInfo.InvariantCulture) + ","
            : string.Join(", ", shape.ToArray().Select(d => d.ToString(CultureInfo.InvariantCulture)));
        string dictionary = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";
        const int Preamble = 10; // magic (6) + version (2) + header length (2)
        int padded = (Preamble + dictionary.Length + 1 + Alignment - 1) / Alignment * Alignment;
        string header = dictionary.PadRight(padded - Preamble - 1) + "\n";
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, checked((ushort)header.Length));
        stream.Write(length);
        stream.Write(Encoding.ASCII.GetBytes(header));
        stream.Write(data);
    }

    private static void CheckLength(ReadOnlySpan<int> shape, int length, string path)
    {
        long product = 1;
        foreach (int d in shape)
        {
            product *= d;
        }

        if (product != length)
        {
            throw new ArgumentException($"Writing '{path}': shape [{string.Join(", ", shape.ToArray())}] holds {product} values but {length} were given.", nameof(shape));
        }
    }
}
