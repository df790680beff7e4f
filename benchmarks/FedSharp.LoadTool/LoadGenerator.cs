using System.Net;

namespace FedSharp.LoadTool;

/// <summary>
/// HTTP/2 (h2c, prior knowledge) load with a distinct body per request: <c>connections</c> clients, each its own
/// connection, each with <c>streams</c> requests in flight. A warm-up is sent first and not counted; the measured
/// window ends at the deadline or when the supply of request bodies runs out, whichever is first.
/// </summary>
internal sealed class LoadGenerator : IDisposable
{
    private readonly HttpClient[] _clients;
    private readonly Uri _url;

    public LoadGenerator(Uri url, int connections)
    {
        _url = url;
        _clients = new HttpClient[connections];
        for (int i = 0; i < connections; i++)
        {
            var handler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = false,
                // The server's default per-stream window is large; the client's receive window must be too, or every
                // 178 KB startFLJob reply waits for WINDOW_UPDATE round trips.
                InitialHttp2StreamWindowSize = 16 * 1024 * 1024,
                UseProxy = false,
            };
            _clients[i] = new HttpClient(handler)
            {
                DefaultRequestVersion = HttpVersion.Version20,
                DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
                Timeout = TimeSpan.FromSeconds(30),
            };
        }
    }

    /// <summary>Sends requests until <paramref name="duration"/> after the warm-up or until <paramref name="nextBody"/> returns null.</summary>
    /// <param name="nextBody">The next request body (head, shared tail), or null when there are no more.</param>
    /// <param name="isSuccess">Whether a reply (status 200 body) is the outcome the load expects.</param>
    public async Task<LoadResult> RunAsync(int streams, TimeSpan warmUp, TimeSpan duration, Func<(byte[] Head, ReadOnlyMemory<byte> Tail)?> nextBody, Func<ReadOnlyMemory<byte>, bool> isSuccess)
    {
        var tally = new LoadTally(warmUp, duration);
        var workers = new List<Task>();
        foreach (HttpClient client in _clients)
        {
            for (int s = 0; s < streams; s++)
            {
                workers.Add(Task.Run(async () =>
                {
                    byte[] buffer = new byte[512 * 1024];
                    while (tally.Running)
                    {
                        if (nextBody() is not { } parts)
                        {
                            tally.Exhausted();
                            return;
                        }

                        using var request = new HttpRequestMessage(HttpMethod.Post, _url)
                        {
                            Content = new PartsContent(parts.Head, parts.Tail),
                            Version = HttpVersion.Version20,
                            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                        };
                        using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                        int length = 0;
                        await using (Stream stream = await response.Content.ReadAsStreamAsync())
                        {
                            int read;
                            while ((read = await stream.ReadAsync(buffer.AsMemory(Math.Min(length, buffer.Length - 1)))) > 0)
                            {
                                length = Math.Min(length + read, buffer.Length - 1);
                            }
                        }

                        bool ok = response.StatusCode == HttpStatusCode.OK && isSuccess(buffer.AsMemory(0, length));
                        tally.Record((int)response.StatusCode, length, ok, buffer.AsSpan(0, length));
                    }
                }));
            }
        }

        await Task.WhenAll(workers);
        return tally.Result();
    }

    public void Dispose()
    {
        foreach (HttpClient client in _clients)
        {
            client.Dispose();
        }
    }
}
