using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FedSharp.LoadTool;

/// <summary>
/// HTTP/1.1 load with a distinct body per request, written on raw keep-alive sockets: <c>connections</c> sockets, one
/// request in flight on each (devices do not pipeline). HttpClient spends more CPU receiving a 178 KB startFLJob reply
/// than Kestrel spends sending it; on a 2-core machine that shares its cores with the server, that cost would be the
/// figure. Here a reply costs one header parse and the kernel's copy into a reused buffer.
/// </summary>
internal sealed class Http1LoadGenerator
{
    private readonly Uri _url;
    private readonly int _connections;

    public Http1LoadGenerator(Uri url, int connections)
    {
        _url = url;
        _connections = connections;
    }

    /// <summary>Sends requests until <paramref name="duration"/> after the warm-up or until <paramref name="nextBody"/> returns null.</summary>
    /// <param name="nextBody">The next request body (head, shared tail), or null when there are no more.</param>
    /// <param name="isSuccess">Whether a reply (the first bytes of a status 200 body) is the outcome the load expects.</param>
    public async Task<LoadResult> RunAsync(TimeSpan warmUp, TimeSpan duration, Func<(byte[] Head, ReadOnlyMemory<byte> Tail)?> nextBody, Func<ReadOnlyMemory<byte>, bool> isSuccess)
    {
        var tally = new LoadTally(warmUp, duration);
        var workers = new List<Task>();
        for (int c = 0; c < _connections; c++)
        {
            workers.Add(Task.Run(async () =>
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(_url.Host), _url.Port));
                byte[] buffer = new byte[256 * 1024];
                while (tally.Running)
                {
                    if (nextBody() is not { } body)
                    {
                        tally.Exhausted();
                        return;
                    }

                    byte[] header = Encoding.ASCII.GetBytes(
                        $"POST {_url.PathAndQuery} HTTP/1.1\r\nHost: {_url.Authority}\r\nContent-Type: application/x-protobuf\r\nContent-Length: {body.Head.Length + body.Tail.Length}\r\n\r\n");
                    await socket.SendAsync(header);
                    await socket.SendAsync(body.Head);
                    if (!body.Tail.IsEmpty)
                    {
                        await socket.SendAsync(body.Tail);
                    }

                    (int status, int length) = await ReadResponseAsync(socket, buffer);
                    int kept = Math.Min(length, 64);
                    tally.Record(status, length, status == 200 && isSuccess(buffer.AsMemory(0, kept)), buffer.AsSpan(0, kept));
                }
            }));
        }

        await Task.WhenAll(workers);
        return tally.Result();
    }

    /// <summary>
    /// Reads one response with a Content-Length body. On return the body's first bytes (up to the buffer's size) sit at
    /// the start of <paramref name="buffer"/>; the rest was read over them.
    /// </summary>
    private static async Task<(int Status, int Length)> ReadResponseAsync(Socket socket, byte[] buffer)
    {
        int filled = 0, headerEnd;
        while ((headerEnd = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
        {
            int read = await socket.ReceiveAsync(buffer.AsMemory(filled));
            if (read == 0 || filled + read == buffer.Length)
            {
                throw new IOException($"The server at {socket.RemoteEndPoint} closed the connection or sent an oversized header.");
            }

            filled += read;
        }

        ReadOnlySpan<byte> head = buffer.AsSpan(0, headerEnd);
        if (!Utf8Parser.TryParse(head[9..12], out int status, out _))
        {
            throw new IOException("The reply has no status code.");
        }

        int length = ContentLength(head);
        int bodyStart = headerEnd + 4;
        int have = filled - bodyStart;
        buffer.AsSpan(bodyStart, have).CopyTo(buffer);
        while (have < length)
        {
            // The first 64 body bytes stay for the retcode check; the rest is read over the bytes after them.
            int keep = Math.Min(have, 64);
            int read = await socket.ReceiveAsync(buffer.AsMemory(keep, Math.Min(length - have, buffer.Length - keep)));
            if (read == 0)
            {
                throw new IOException($"The server at {socket.RemoteEndPoint} closed the connection mid-body.");
            }

            have += read;
        }

        return (status, length);
    }

    private static int ContentLength(ReadOnlySpan<byte> head)
    {
        ReadOnlySpan<byte> name = "\r\ncontent-length:"u8;
        Span<byte> lower = head.Length <= 4096 ? stackalloc byte[head.Length] : new byte[head.Length];
        for (int i = 0; i < head.Length; i++)
        {
            lower[i] = head[i] is >= (byte)'A' and <= (byte)'Z' ? (byte)(head[i] + 32) : head[i];
        }

        int at = lower.IndexOf(name);
        if (at < 0)
        {
            throw new IOException("The reply has no Content-Length; the load tool reads only length-delimited replies.");
        }

        ReadOnlySpan<byte> value = head[(at + name.Length)..].TrimStart((byte)' ');
        return Utf8Parser.TryParse(value, out int length, out _) ? length : throw new IOException("The reply's Content-Length is not a number.");
    }
}
