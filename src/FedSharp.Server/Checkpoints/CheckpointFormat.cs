using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using FedSharp.Core.Models;

namespace FedSharp.Server.Checkpoints;

/// <summary>
/// FedSharp's checkpoint file, self-describing and verifiable, all integers little-endian:
/// <code>
/// header  (32 bytes): "FSCK" | u16 format version (1) | u16 reserved (0) | i32 iteration | i64 created (Unix ms)
///                     | i64 file length in bytes | i32 tensor count
/// tensor  (repeated): u16 name length | UTF-8 name | i32 rank | i32 dims[rank] | f32 values[product(dims)]
/// state   (version 2 only): i32 state tensor count | tensor (repeated, as above)
/// trailer (32 bytes): SHA-256 of every byte before it
/// </code>
/// The declared file length tells a truncated file from a corrupt one; the hash catches any other damage. Version 2
/// adds the strategy's state (server momentum, optimizer moments) after the model, in the same file, so the model and
/// the state it belongs to are written and renamed together; a file without state is still written as version 1.
/// </summary>
internal static class CheckpointFormat
{
    public const ushort Version = 1;
    public const ushort VersionWithState = 2;
    private const int HeaderLength = 32;
    private const int HashLength = 32;
    private static ReadOnlySpan<byte> Magic => "FSCK"u8;

    public static void Write(Stream destination, int iteration, DateTimeOffset createdAt, ModelParameters parameters, ModelParameters? state = null)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Checkpoints store float32 values in little-endian order; this big-endian platform would need a byte swap that is not implemented.");
        }

        long length = HeaderLength + HashLength + Length(parameters) + (state is null ? 0 : 4 + Length(state));

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> header = stackalloc byte[HeaderLength];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], state is null ? Version : VersionWithState);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 0);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], iteration);
        BinaryPrimitives.WriteInt64LittleEndian(header[12..], createdAt.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt64LittleEndian(header[20..], length);
        BinaryPrimitives.WriteInt32LittleEndian(header[28..], parameters.Count);
        Emit(destination, hash, header);

        WriteTensors(destination, hash, parameters);
        if (state is not null)
        {
            Span<byte> count = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(count, state.Count);
            Emit(destination, hash, count);
            WriteTensors(destination, hash, state);
        }

        destination.Write(hash.GetHashAndReset());
    }

    private static long Length(ModelParameters tensors)
    {
        long length = 0;
        foreach (ParameterTensor tensor in tensors.Tensors)
        {
            length += 2 + Encoding.UTF8.GetByteCount(tensor.Name) + 4 + (4L * tensor.Shape.Length) + (4L * tensor.Length);
        }

        return length;
    }

    private static void WriteTensors(Stream destination, IncrementalHash hash, ModelParameters parameters)
    {
        Span<byte> scratch = stackalloc byte[4];
        foreach (ParameterTensor tensor in parameters.Tensors)
        {
            byte[] name = Encoding.UTF8.GetBytes(tensor.Name);
            if (name.Length > ushort.MaxValue)
            {
                throw new ArgumentException($"Tensor name '{tensor.Name[..64]}…' is {name.Length} UTF-8 bytes; checkpoints allow at most {ushort.MaxValue}.", nameof(parameters));
            }

            BinaryPrimitives.WriteUInt16LittleEndian(scratch, (ushort)name.Length);
            Emit(destination, hash, scratch[..2]);
            Emit(destination, hash, name);
            BinaryPrimitives.WriteInt32LittleEndian(scratch, tensor.Shape.Length);
            Emit(destination, hash, scratch);
            foreach (int dim in tensor.Shape)
            {
                BinaryPrimitives.WriteInt32LittleEndian(scratch, dim);
                Emit(destination, hash, scratch);
            }

            Emit(destination, hash, MemoryMarshal.AsBytes(tensor.Values.AsSpan()));
        }
    }

    /// <summary>Parses <paramref name="bytes"/>; on failure returns null and says which rule the file breaks.</summary>
    public static (int Iteration, DateTimeOffset CreatedAt, ModelParameters Parameters, ModelParameters? State)? TryRead(ReadOnlySpan<byte> bytes, out string fault)
    {
        if (bytes.Length < HeaderLength)
        {
            fault = $"truncated: {bytes.Length} bytes, shorter than the {HeaderLength}-byte header";
            return null;
        }

        if (!bytes[..4].SequenceEqual(Magic))
        {
            fault = "not a FedSharp checkpoint: the file does not start with \"FSCK\"";
            return null;
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(bytes[4..]);
        if (version is not (Version or VersionWithState))
        {
            fault = $"format version {version} is not supported (this build reads versions {Version} and {VersionWithState})";
            return null;
        }

        long declared = BinaryPrimitives.ReadInt64LittleEndian(bytes[20..]);
        if (declared != bytes.Length)
        {
            fault = declared > bytes.Length
                ? $"truncated: {bytes.Length} bytes of the {declared} its header declares"
                : $"corrupt: {bytes.Length} bytes but its header declares {declared}";
            return null;
        }

        ReadOnlySpan<byte> body = bytes[..^HashLength];
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes[^HashLength..]))
        {
            fault = "corrupt: the SHA-256 of its contents does not match the one stored in the file";
            return null;
        }

        int iteration = BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]);
        long createdAtMs = BinaryPrimitives.ReadInt64LittleEndian(bytes[12..]);
        if (createdAtMs < 0 || createdAtMs > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            // The hash is unkeyed, so a crafted file can reach here; it is reported like any other corruption.
            fault = $"corrupt: its creation time {createdAtMs} ms is outside the calendar";
            return null;
        }

        DateTimeOffset createdAt = DateTimeOffset.FromUnixTimeMilliseconds(createdAtMs);
        int count = BinaryPrimitives.ReadInt32LittleEndian(bytes[28..]);
        var reader = new SpanCursor(body, HeaderLength);
        if (!TryReadTensors(ref reader, count, "tensor", out List<ParameterTensor>? tensors, out fault))
        {
            return null;
        }

        List<ParameterTensor>? stateTensors = null;
        if (version == VersionWithState)
        {
            if (!reader.TryReadCount(out int stateCount, out fault)
                || !TryReadTensors(ref reader, stateCount, "state tensor", out stateTensors, out fault))
            {
                fault = fault.StartsWith("corrupt", StringComparison.Ordinal) ? fault : $"corrupt: {fault}";
                return null;
            }
        }

        if (reader.Position != body.Length)
        {
            fault = $"corrupt: {body.Length - reader.Position} unexplained bytes after the last tensor";
            return null;
        }

        try
        {
            fault = string.Empty;
            return (iteration, createdAt, new ModelParameters(tensors), stateTensors is null ? null : new ModelParameters(stateTensors));
        }
        catch (ArgumentException ex)
        {
            fault = $"corrupt: {ex.Message}";
            return null;
        }
    }

    private static bool TryReadTensors(ref SpanCursor reader, int count, string what, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out List<ParameterTensor>? tensors, out string fault)
    {
        tensors = new List<ParameterTensor>(Math.Max(0, Math.Min(count, 4096)));
        for (int t = 0; t < count; t++)
        {
            if (!reader.TryReadTensor(out ParameterTensor? tensor, out fault))
            {
                fault = $"corrupt: {what} {t} of {count}: {fault}";
                tensors = null;
                return false;
            }

            tensors.Add(tensor);
        }

        fault = string.Empty;
        return true;
    }

    private static void Emit(Stream destination, IncrementalHash hash, ReadOnlySpan<byte> bytes)
    {
        destination.Write(bytes);
        hash.AppendData(bytes);
    }

    private ref struct SpanCursor(ReadOnlySpan<byte> bytes, int position)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;

        public int Position { get; private set; } = position;

        public bool TryReadCount(out int count, out string fault)
        {
            count = 0;
            if (!TryTake(4, out ReadOnlySpan<byte> bytes, out fault))
            {
                return false;
            }

            count = BinaryPrimitives.ReadInt32LittleEndian(bytes);
            if (count < 0)
            {
                fault = $"the state tensor count is negative ({count})";
                return false;
            }

            return true;
        }

        public bool TryReadTensor([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ParameterTensor? tensor, out string fault)
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
            long count = 1;
            for (int d = 0; d < rank; d++)
            {
                if (!TryTake(4, out ReadOnlySpan<byte> dim, out fault))
                {
                    return false;
                }

                shape[d] = BinaryPrimitives.ReadInt32LittleEndian(dim);
                if (shape[d] < 0)
                {
                    fault = $"dimension {d} is negative ({shape[d]})";
                    return false;
                }

                count *= shape[d];
                if (count > int.MaxValue / 4)
                {
                    fault = "its shape describes more values than a tensor can hold";
                    return false;
                }
            }

            if (!TryTake((int)count * 4, out ReadOnlySpan<byte> values, out fault))
            {
                return false;
            }

            string tensorName = Encoding.UTF8.GetString(name);
            if (string.IsNullOrWhiteSpace(tensorName))
            {
                fault = "its name is empty";
                return false;
            }

            tensor = new ParameterTensor(tensorName, shape, MemoryMarshal.Cast<byte, float>(values).ToArray());
            return true;
        }

        private bool TryTake(int length, out ReadOnlySpan<byte> slice, out string fault)
        {
            if (length > _bytes.Length - Position)
            {
                slice = default;
                fault = $"needs {length} bytes at offset {Position} but only {_bytes.Length - Position} remain";
                return false;
            }

            slice = _bytes.Slice(Position, length);
            Position += length;
            fault = string.Empty;
            return true;
        }
    }
}
