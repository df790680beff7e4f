using System.Net;
using System.Net.Http.Headers;

namespace FedSharp.LoadTool;

/// <summary>A protobuf request body sent as its per-request head followed by bytes shared by every request.</summary>
internal sealed class PartsContent : HttpContent
{
    private static readonly MediaTypeHeaderValue s_protobuf = new("application/x-protobuf");
    private readonly ReadOnlyMemory<byte> _head;
    private readonly ReadOnlyMemory<byte> _tail;

    public PartsContent(ReadOnlyMemory<byte> head, ReadOnlyMemory<byte> tail)
    {
        _head = head;
        _tail = tail;
        Headers.ContentType = s_protobuf;
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await stream.WriteAsync(_head);
        if (!_tail.IsEmpty)
        {
            await stream.WriteAsync(_tail);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _head.Length + _tail.Length;
        return true;
    }
}
