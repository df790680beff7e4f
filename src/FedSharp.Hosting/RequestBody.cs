using System.Buffers;
using System.IO.Pipelines;

namespace FedSharp.Hosting;

/// <summary>
/// A request body copied once, from Kestrel's pipe into one pooled array, so that the protobuf parser reads a single
/// contiguous span. Dispose returns the array to the pool; the handler must not keep the memory.
/// </summary>
internal sealed class RequestBody : IDisposable
{
    private const int UnknownLengthStart = 16 * 1024;
    private byte[]? _buffer;
    private readonly int _length;

    private RequestBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        _length = length;
    }

    public ReadOnlyMemory<byte> Memory => _buffer is { } buffer ? buffer.AsMemory(0, _length) : ReadOnlyMemory<byte>.Empty;

    /// <summary>Reads the whole body; Kestrel enforces the size limit while it is read.</summary>
    /// <param name="reader">The request's body pipe.</param>
    /// <param name="contentLength">The declared length, if any; sizes the buffer exactly.</param>
    /// <param name="cancellationToken">The request's abort token.</param>
    public static async Task<RequestBody> ReadAsync(PipeReader reader, long? contentLength, CancellationToken cancellationToken)
    {
        // A declared length sizes the first buffer only up to 1 MiB: a client that declares 100 MB and then trickles
        // must not hold 128 MiB of pool memory per connection. Larger bodies grow by doubling as bytes really arrive.
        int initial = contentLength is { } declared && declared > 0 ? (int)Math.Min(declared, 1 << 20) : UnknownLengthStart;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(initial);
        int written = 0;
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync(cancellationToken);
                ReadOnlySequence<byte> data = result.Buffer;
                if (data.Length > buffer.Length - written)
                {
                    long needed = written + data.Length;
                    if (needed > Array.MaxLength)
                    {
                        throw new InvalidDataException($"The request body exceeds {Array.MaxLength} bytes, more than one buffer can hold.");
                    }

                    byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Array.MaxLength, Math.Max(needed, 2L * buffer.Length)));
                    buffer.AsSpan(0, written).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                data.CopyTo(buffer.AsSpan(written));
                written += (int)data.Length;
                reader.AdvanceTo(data.End);
                if (result.IsCompleted)
                {
                    return new RequestBody(buffer, written);
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
