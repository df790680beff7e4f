using System.Buffers.Binary;
using System.IO.Compression;

namespace FedSharp.Learning.Tests.Data;

/// <summary>Writes IDX files byte by byte, independently of the reader under test.</summary>
internal static class IdxFileBuilder
{
    public static byte[] Images(int count, int rows, int columns, Func<int, int, byte> pixel, int magic = 0x00000803)
    {
        int size = rows * columns;
        var bytes = new byte[16 + count * size];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), columns);
        for (int i = 0; i < count; i++)
        {
            for (int p = 0; p < size; p++)
            {
                bytes[16 + i * size + p] = pixel(i, p);
            }
        }

        return bytes;
    }

    public static byte[] Labels(IReadOnlyList<byte> labels, int magic = 0x00000801)
    {
        var bytes = new byte[8 + labels.Count];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), labels.Count);
        for (int i = 0; i < labels.Count; i++)
        {
            bytes[8 + i] = labels[i];
        }

        return bytes;
    }

    public static byte[] Gzip(byte[] payload)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(payload);
        }

        return buffer.ToArray();
    }

    public static byte Pixel(int sample, int index) => (byte)((sample * 31 + index * 7) % 256);

    /// <summary>Writes a complete four-file data set with <paramref name="trainCount"/>/<paramref name="testCount"/> samples.</summary>
    public static void WriteDataset(string directory, int trainCount, int testCount, bool gzip)
    {
        Directory.CreateDirectory(directory);
        string suffix = gzip ? ".gz" : "";
        Write(Path.Combine(directory, "train-images-idx3-ubyte" + suffix), Images(trainCount, 28, 28, Pixel), gzip);
        Write(Path.Combine(directory, "train-labels-idx1-ubyte" + suffix), Labels(Enumerable.Range(0, trainCount).Select(i => (byte)(i % 10)).ToArray()), gzip);
        Write(Path.Combine(directory, "t10k-images-idx3-ubyte" + suffix), Images(testCount, 28, 28, Pixel), gzip);
        Write(Path.Combine(directory, "t10k-labels-idx1-ubyte" + suffix), Labels(Enumerable.Range(0, testCount).Select(i => (byte)(i % 10)).ToArray()), gzip);
    }

    private static void Write(string path, byte[] payload, bool gzip) => File.WriteAllBytes(path, gzip ? Gzip(payload) : payload);
}
