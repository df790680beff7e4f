using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using FedSharp.Core.Models;
using FedSharp.Server.Strategies;

namespace FedSharp.Server.Redis;

/// <summary>
/// The blobs <see cref="RedisUpdateStore"/> keeps in Redis, all integers and floats little-endian:
/// <code>
/// partial sum:  "FSPS" | u16 format (1) | u8 kind (0 weighted sum, 1 ring sum) | u8 0 | i32 iteration | i32 count
///               | i64 total weight | f64 loss weighted sum | i64 loss weight | f64 accuracy weighted sum
///               | i64 accuracy weight | i32 tensor count | tensors | u64 XxHash3 of every byte before it
/// update:       "FSUU" | u16 format (1) | u8 flags (1 loss, 2 accuracy) | u8 0 | i32 iteration | i32 data size
///               | f32 loss | f32 accuracy | u16 client id length | UTF-8 client id | i32 tensor count | tensors
///               | u64 XxHash3 of every byte before it
/// tensor:       u16 name length | UTF-8 name | i32 rank | i32 dims[rank] | f32 values[product(dims)]
/// </code>
/// The hash only detects damage (Redis is trusted; a checkpoint's SHA-256 would cost a model's worth of hashing per
/// group commit for nothing). Readers refuse another magic, format, kind or length with the rule that broke.
/// </summary>
internal static class UpdateBlobFormat
{
    public const ushort Format = 1;
    private const int PartialHeaderLength = 60;
    private const int UpdateFixedLength = 26;
    private const int TrailerLength = 8;
    private static ReadOnlySpan<byte> PartialMagic => "FSPS"u8;
    private static ReadOnlySpan<byte> UpdateMagic => "FSUU"u8;

    public static byte[] WritePartial(PartialSum partial)
    {
        ThrowIfBigEndian();
        byte[] blob = new byte[PartialHeaderLength + TensorsLength(partial.Sum) + TrailerLength];
        Span<byte> header = blob;
        PartialMagic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], Format);
        header[6] = partial.Kind == AccumulatorKind.RingSum ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], partial.Iteration);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], partial.Count);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], partial.TotalWeight);
        BinaryPrimitives.WriteDoubleLittleEndian(header[24..], partial.LossWeightedSum);
        BinaryPrimitives.WriteInt64LittleEndian(header[32..], partial.LossWeight);
        BinaryPrimitives.WriteDoubleLittleEndian(header[40..], partial.AccuracyWeightedSum);
        BinaryPrimitives.WriteInt64LittleEndian(header[48..], partial.AccuracyWeight);
        BinaryPrimitives.WriteInt32LittleEndian(header[56..], partial.Sum.Count);
        WriteTensors(blob.AsSpan(PartialHeaderLength), partial.Sum);
        Seal(blob);
        return blob;
    }

    public static byte[] WriteUpdate(ClientUpdate update)
    {
        ThrowIfBigEndian();
        byte[] id = Encoding.UTF8.GetBytes(update.ClientId);
        if (id.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"Client id '{update.ClientId[..64]}…' is {id.Length} UTF-8 bytes; update blobs allow at most {ushort.MaxValue}.", nameof(update));
        }

        int head = UpdateFixedLength + id.Length + 4;
        byte[] blob = new byte[head + TensorsLength(update.Parameters) + TrailerLength];
        Span<byte> header = blob;
        UpdateMagic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], Format);
        header[6] = (byte)((update.Loss is null ? 0 : 1) | (update.Accuracy is null ? 0 : 2));
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], update.Iteration);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], update.DataSize);
        BinaryPrimitives.WriteSingleLittleEndian(header[16..], update.Loss ?? 0f);
        BinaryPrimitives.WriteSingleLittleEndian(header[20..], update.Accuracy ?? 0f);
        BinaryPrimitives.WriteUInt16LittleEndian(header[24..], (ushort)id.Length);
        id.CopyTo(header[UpdateFixedLength..]);
        BinaryPrimitives.WriteInt32LittleEndian(header[(UpdateFixedLength + id.Length)..], update.Parameters.Count);
        WriteTensors(blob.AsSpan(head), update.Parameters);
        Seal(blob);
        return blob;
    }

    /// <summary>Parses a partial sum; null with the rule it breaks when <paramref name="blob"/> is not one.</summary>
    public static PartialSum? TryReadPartial(ReadOnlySpan<byte> blob, out string fault)
    {
        if (!TryOpen(blob, PartialMagic, PartialHeaderLength, "partial sum", out fault))
        {
            return null;
        }

        if (blob[6] > 1 || blob[7] != 0)
        {
            fault = $"corrupt: kind byte {blob[6]} is neither 0 (weighted sum) nor 1 (ring sum)";
            return null;
        }

        var cursor = new Cursor(blob[..^TrailerLength], PartialHeaderLength);
        if (!cursor.TryReadTensors(BinaryPrimitives.ReadInt32LittleEndian(blob[56..]), out ModelParameters? sum, out fault))
        {
            return null;
        }

        fault = string.Empty;
        return new PartialSum(blob[6] == 1 ? AccumulatorKind.RingSum : AccumulatorKind.WeightedSum, BinaryPrimitives.ReadInt32LittleEndian(blob[8..]), sum)
        {
            Count = BinaryPrimitives.ReadInt32LittleEndian(blob[12..]),
            TotalWeight = BinaryPrimitives.ReadInt64LittleEndian(blob[16..]),
            LossWeightedSum = BinaryPrimitives.ReadDoubleLittleEndian(blob[24..]),
            LossWeight = BinaryPrimitives.ReadInt64LittleEndian(blob[32..]),
            AccuracyWeightedSum = BinaryPrimitives.ReadDoubleLittleEndian(blob[40..]),
            AccuracyWeight = BinaryPrimitives.ReadInt64LittleEndian(blob[48..]),
        };
    }

    /// <summary>Parses one client's update; null with the rule it breaks when <paramref name="blob"/> is not one.</summary>
    public static ClientUpdate? TryReadUpdate(ReadOnlySpan<byte> blob, out string fault)
    {
        if (!TryOpen(blob, UpdateMagic, UpdateFixedLength + 4, "update", out fault))
        {
            return null;
        }

        int idLength = BinaryPrimitives.ReadUInt16LittleEndian(blob[24..]);
        if (blob[6] > 3 || blob[7] != 0 || UpdateFixedLength + idLength + 4 > blob.Length - TrailerLength)
        {
            fault = $"corrupt: flags byte {blob[6]} or client id length {idLength} is out of range";
            return null;
        }

        string clientId = Encoding.UTF8.GetString(blob.Slice(UpdateFixedLength, idLength));
        var cursor = new Cursor(blob[..^TrailerLength], UpdateFixedLength + idLength + 4);
        if (!cursor.TryReadTensors(BinaryPrimitives.ReadInt32LittleEndian(blob[(UpdateFixedLength + idLength)..]), out ModelParameters? parameters, out fault))
        {
            return null;
        }

        try
        {
            fault = string.Empty;
            return new ClientUpdate(
                clientId,
                BinaryPrimitives.ReadInt32LittleEndian(blob[8..]),
                parameters,
                BinaryPrimitives.ReadInt32LittleEndian(blob[12..]),
                (blob[6] & 1) != 0 ? BinaryPrimitives.ReadSingleLittleEndian(blob[16..]) : null,
                (blob[6] & 2) != 0 ? BinaryPrimitives.ReadSingleLittleEndian(blob[20..]) : null);
        }
        catch (ArgumentException ex)
        {
            fault = $"corrupt: {ex.Message}";
            return null;
        }
    }

    private static bool TryOpen(ReadOnlySpan<byte> blob, ReadOnlySpan<byte> magic, int minimumHeader, string what, out string fault)
    {
        if (blob.Length < 6 || !blob[..4].SequenceEqual(magic))
        {
            fault = $"not a FedSharp {what} blob: it does not start with \"{Encoding.ASCII.GetString(magic)}\"";
            return false;
        }

        ushort format = BinaryPrimitives.ReadUInt16LittleEndian(blob[4..]);
        if (format != Format)
        {
            fault = $"{what} blob format {format} is not supported (this build reads format {Format})";
            return false;
        }

        if (blob.Length < minimumHeader + TrailerLength)
        {
            fault = $"truncated: {blob.Length} bytes, shorter than a {what} blob's header and trailer";
            return false;
        }

        if (XxHash3.HashToUInt64(blob[..^TrailerLength]) != BinaryPrimitives.ReadUInt64LittleEndian(blob[^TrailerLength..]))
        {
            fault = "corrupt or truncated: the XxHash3 of its contents does not match the one stored at its end";
            return false;
        }

        fault = string.Empty;
        return true;
    }

    private static void Seal(byte[] blob)
        => BinaryPrimitives.WriteUInt64LittleEndian(blob.AsSpan(blob.Length - TrailerLength), XxHash3.HashToUInt64(blob.AsSpan(0, blob.Length - TrailerLength)));

    private static int TensorsLength(ModelParameters tensors)
    {
        long length = 0;
        foreach (ParameterTensor tensor in tensors.Tensors)
        {
            length += 2 + Encoding.UTF8.GetByteCount(tensor.Name) + 4 + (4L * tensor.Shape.Length) + (4L * tensor.Length);
        }

        // Redis refuses a value above 512 MiB anyway; an array cannot exceed 2 GiB.
        return length <= Array.MaxLength - 1024 ? (int)length : throw new ArgumentException($"The model is {length} bytes; a Redis value holds at most 512 MiB.", nameof(tensors));
    }

    private static void WriteTensors(Span<byte> destination, ModelParameters tensors)
    {
        int at = 0;
        foreach (ParameterTensor tensor in tensors.Tensors)
        {
            int nameLength = Encoding.UTF8.GetBytes(tensor.Name, destination[(at + 2)..]);
            if (nameLength > ushort.MaxValue)
            {
                throw new ArgumentException($"Tensor name '{tensor.Name[..64]}…' is {nameLength} UTF-8 bytes; blobs allow at most {ushort.MaxValue}.", nameof(tensors));
            }

            BinaryPrimitives.WriteUInt16LittleEndian(destination[at..], (ushort)nameLength);
            at += 2 + nameLength;
            BinaryPrimitives.WriteInt32LittleEndian(destination[at..], tensor.Shape.Length);
            at += 4;
            foreach (int dim in tensor.Shape)
            {
                BinaryPrimitives.WriteInt32LittleEndian(destination[at..], dim);
                at += 4;
            }

            ReadOnlySpan<byte> values = MemoryMarshal.AsBytes(tensor.Values.AsSpan());
            values.CopyTo(destination[at..]);
            at += values.Length;
        }
    }

    private static void ThrowIfBigEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Update blobs store float32 values in little-endian order; this big-endian platform would need a byte swap that is not implemented.");
        }
    }

    private ref struct Cursor(ReadOnlySpan<byte> bytes, int position)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _position = position;

        public bool TryReadTensors(int count, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ModelParameters? tensors, out string fault)
        {
            tensors = null;
            if (count < 0 || count > _bytes.Length)
            {
                fault = $"corrupt: tensor count {count} is out of range";
                return false;
            }

            var list = new List<ParameterTensor>(count);
            for (int t = 0; t < count; t++)
            {
                if (!TryReadTensor(out ParameterTensor? tensor, out fault))
                {
                    fault = $"corrupt: tensor {t} of {count}: {fault}";
                    return false;
                }

                list.Add(tensor);
            }

            if (_position != _bytes.Length)
            {
                fault = $"corrupt: {_bytes.Length - _position} unexplained bytes after the last tensor";
                return false;
            }

            try
            {
                tensors = new ModelParameters(list);
                fault = string.Empty;
                return true;
            }
            catch (ArgumentException ex)
            {
                fault = $"corrupt: {ex.Message}";
                return false;
            }
        }

        private bool TryReadTensor([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ParameterTensor? tensor, out string fault)
        {
            tensor = null;
            if (!TryTake(2, out ReadOnlySpan<byte> nameLength, out fault)
                || !TryTake(BinaryPrimitives.ReadUInt16LittleEndian(nameLength), out ReadOnlySpan<byte> name, out fault)
                || !TryTake(4, out ReadOnlySpan<byte> rankBytes, out fault))
            {
                return false;
            }

            int rank = BinaryPrimitives.ReadInt32LittleEndian(rankBytes);
            if (rank is < 0 or > 32)
            {
                fault = $"rank {rank} is outside 0..32";
                return false;
            }

            int[] shape = new int[rank];
            long length = 1;
            for (int d = 0; d < rank; d++)
            {
                if (!TryTake(4, out ReadOnlySpan<byte> dim, out fault))
                {
                    return false;
                }

                shape[d] = BinaryPrimitives.ReadInt32LittleEndian(dim);
                length *= shape[d];
                if (shape[d] < 0 || length > _bytes.Length)
                {
                    fault = $"dimension {d} is {shape[d]}, more values than the blob holds";
                    return false;
                }
            }

            if (!TryTake(checked((int)(4 * length)), out ReadOnlySpan<byte> values, out fault))
            {
                return false;
            }

            try
            {
                tensor = new ParameterTensor(Encoding.UTF8.GetString(name), shape, MemoryMarshal.Cast<byte, float>(values).ToArray());
                return true;
            }
            catch (ArgumentException ex)
            {
                fault = ex.Message;
                return false;
            }
        }

        private bool TryTake(int count, out ReadOnlySpan<byte> taken, out string fault)
        {
            if (count > _bytes.Length - _position)
            {
                taken = default;
                fault = $"it needs {count} more bytes at offset {_position} but only {_bytes.Length - _position} remain";
                return false;
            }

            taken = _bytes.Slice(_position, count);
            _position += count;
            fault = string.Empty;
            return true;
        }
    }
}
