using System.Globalization;
using System.Net;
using FedSharp.Core.Protocol;

namespace FedSharp.LoadTool;

/// <summary>
/// The server-load benchmark's helper (see benchmarks/server-load.sh):
/// <c>ceiling --port P --seconds N</c> serves the bare-Kestrel ceiling;
/// <c>bodies --server URL --fl-name F --out DIR</c> writes fixed request bodies for h2load;
/// <c>load --server URL --fl-name F --round startFLJob|updateModel [--ceiling URL] [--connections C] [--streams S]
/// [--seconds D] [--warmup W] [--clients N] [--protocol h2c|http1]</c> measures one round with a distinct client id per
/// request, over h2c (HttpClient, C connections × S streams) or HTTP/1.1 (raw sockets, C connections, S ignored).
/// </summary>
internal static class Program
{
    private const int SucceedRetcode = (int)Retcode.Succeed;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: fedsharp-load ceiling|bodies|load [options]; see benchmarks/server-load.sh");
            return 2;
        }

        Dictionary<string, string> options = ParseOptions(args[1..]);
        string Get(string name, string? fallback = null) => options.TryGetValue(name, out string? value) ? value : fallback
            ?? throw new ArgumentException($"--{name} is required for '{args[0]}'.");
        int GetInt(string name, int fallback) => int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

        switch (args[0])
        {
            case "ceiling":
                return await CeilingServer.RunAsync(GetInt("port", 0), TimeSpan.FromSeconds(GetInt("seconds", 120)));
            case "bodies":
                return await WriteBodiesAsync(new Uri(Get("server")), Get("fl-name"), Get("out"));
            case "load":
                return await LoadAsync(
                    new Uri(Get("server")),
                    Get("fl-name"),
                    Get("round"),
                    options.TryGetValue("ceiling", out string? ceiling) ? new Uri(ceiling) : null,
                    GetInt("connections", 4),
                    GetInt("streams", 16),
                    TimeSpan.FromSeconds(GetInt("seconds", 10)),
                    TimeSpan.FromSeconds(GetInt("warmup", 2)),
                    GetInt("clients", 120_000),
                    Get("protocol", "h2c") switch
                    {
                        "h2c" => false,
                        "http1" => true,
                        string other => throw new ArgumentException($"--protocol is '{other}'; use h2c or http1."),
                    });
            default:
                Console.Error.WriteLine($"unknown command '{args[0]}'; use ceiling, bodies or load");
                return 2;
        }
    }

    private static Dictionary<string, string> ParseOptions(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Expected --name value pairs, found '{args[i]}'.");
            }

            options[args[i][2..]] = args[i + 1];
        }

        return options;
    }

    /// <summary>Joins one client to fetch the model and iteration the updateModel bodies are built from.</summary>
    private static async Task<RoundBodies> ProbeAsync(HttpClient client, Uri server, string flName, string id)
    {
        using var content = new PartsContent(RoundBodies.StartFlJob(flName, id), ReadOnlyMemory<byte>.Empty);
        using HttpResponseMessage response = await client.PostAsync(new Uri(server, RoundPaths.StartFLJob), content);
        StartFLJobResponse reply = StartFLJobResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        if (reply.Retcode != Retcode.Succeed || reply.Tensors.Count == 0)
        {
            throw new InvalidOperationException($"startFLJob of '{id}' at {server} returned {reply.Retcode}: {reply.Reason}. The load needs a server whose iteration accepts clients (huge start_fl_job_threshold, long windows).");
        }

        Console.Error.WriteLine($"model of iteration {reply.Iteration}: {reply.Tensors.Count} tensors, {reply.Tensors.Sum(t => t.Data.Length) / sizeof(float)} parameters, startFLJob reply {reply.CalculateSize()} bytes");
        return new RoundBodies(flName, reply.Iteration, reply.Tensors, reply.CalculateSize());
    }

    private static HttpClient Http2Client(bool http1 = false) => new(new SocketsHttpHandler { InitialHttp2StreamWindowSize = 16 * 1024 * 1024, UseProxy = false })
    {
        DefaultRequestVersion = http1 ? HttpVersion.Version11 : HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    /// <summary>One measured run at <paramref name="url"/> over the chosen protocol.</summary>
    private static async Task<LoadResult> RunLoadAsync(bool http1, Uri url, int connections, int streams, TimeSpan warmUp, TimeSpan duration, Func<(byte[] Head, ReadOnlyMemory<byte> Tail)?> nextBody, Func<ReadOnlyMemory<byte>, bool> isSuccess)
    {
        if (http1)
        {
            return await new Http1LoadGenerator(url, connections).RunAsync(warmUp, duration, nextBody, isSuccess);
        }

        using var generator = new LoadGenerator(url, connections);
        return await generator.RunAsync(streams, warmUp, duration, nextBody, isSuccess);
    }

    private static async Task<int> WriteBodiesAsync(Uri server, string flName, string directory)
    {
        using HttpClient client = Http2Client();
        RoundBodies bodies = await ProbeAsync(client, server, flName, "h2load-update");
        Directory.CreateDirectory(directory);
        await File.WriteAllBytesAsync(Path.Combine(directory, "startFLJob.bin"), RoundBodies.StartFlJob(flName, "h2load-start"));
        (byte[] head, ReadOnlyMemory<byte> tensors) = bodies.UpdateModel("h2load-update");
        await File.WriteAllBytesAsync(Path.Combine(directory, "updateModel.bin"), [.. head, .. tensors.Span]);
        return 0;
    }

    private static async Task<int> LoadAsync(Uri server, string flName, string round, Uri? ceiling, int connections, int streams, TimeSpan duration, TimeSpan warmUp, int clients, bool http1)
    {
        string run = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        long next = -1;
        if (round == RoundPaths.StartFLJob)
        {
            Uri startTarget = new(server, RoundPaths.StartFLJob);
            if (ceiling is not null)
            {
                // The ceiling answers every request with a body as large as the server's accepted reply.
                using HttpClient probe = Http2Client(http1);
                RoundBodies model = await ProbeAsync(probe, server, flName, $"s{run}-probe");
                startTarget = new Uri(ceiling, $"reply/{model.StartFlJobReplyBytes}/{RoundPaths.StartFLJob}");
            }

            LoadResult result = await RunLoadAsync(
                http1,
                startTarget,
                connections,
                streams,
                warmUp,
                duration,
                () => (RoundBodies.StartFlJob(flName, $"s{run}-{Interlocked.Increment(ref next)}"), ReadOnlyMemory<byte>.Empty),
                IsSucceed);
            string name = ceiling is null ? "startFLJob, distinct fl_id per request" : "ceiling: bare Kestrel answering with a startFLJob-sized body";
            Console.WriteLine(result.ToJson($"{name} ({(http1 ? "HTTP/1.1" : "h2c")})"));
            return 0;
        }

        if (round != RoundPaths.UpdateModel)
        {
            throw new ArgumentException($"--round is '{round}'; use {RoundPaths.StartFLJob} or {RoundPaths.UpdateModel}.");
        }

        RoundBodies bodies;
        using (HttpClient probe = Http2Client(http1))
        {
            bodies = await ProbeAsync(probe, server, flName, $"u{run}-probe");
        }

        string[] ids;
        if (ceiling is null)
        {
            // Each client updates once per iteration, so every updateModel needs its own client that has joined.
            ids = new string[clients];
            long joined = -1;
            LoadResult registration = await RunLoadAsync(
                http1,
                new Uri(server, RoundPaths.StartFLJob),
                connections,
                streams,
                TimeSpan.Zero,
                TimeSpan.FromMinutes(5),
                () =>
                {
                    long i = Interlocked.Increment(ref joined);
                    if (i >= clients)
                    {
                        return null;
                    }

                    ids[i] = $"u{run}-{i}";
                    return (RoundBodies.StartFlJob(flName, ids[i]), ReadOnlyMemory<byte>.Empty);
                },
                IsSucceed);
            Console.Error.WriteLine($"registered {registration.Succeeded} of {clients} clients in {registration.Seconds:F1} s ({registration.Failed} refused)");
        }
        else
        {
            ids = [.. Enumerable.Range(0, clients).Select(i => $"c{run}-{i}")];
        }

        long taken = -1;
        Uri target = ceiling ?? new Uri(server, RoundPaths.UpdateModel);
        LoadResult updates = await RunLoadAsync(
            http1,
            target,
            connections,
            streams,
            warmUp,
            duration,
            () =>
            {
                long i = Interlocked.Increment(ref taken);

                // The ceiling only reads bodies, so it may reuse them and never runs out.
                return ceiling is not null ? bodies.UpdateModel(ids[i % ids.Length]) : i < ids.Length ? bodies.UpdateModel(ids[i]) : null;
            },
            ceiling is null ? IsSucceed : static _ => true);
        string protocol = http1 ? "HTTP/1.1" : "h2c";
        Console.WriteLine(updates.ToJson(ceiling is null ? $"updateModel, one update per joined client ({protocol})" : $"ceiling: bare Kestrel reading the updateModel bodies ({protocol})"));
        return 0;
    }

    /// <summary>True when a reply's retcode (field 1, a varint, first in every reply) is SUCCEED.</summary>
    private static bool IsSucceed(ReadOnlyMemory<byte> reply)
    {
        ReadOnlySpan<byte> span = reply.Span;
        if (span.Length < 2 || span[0] != 0x08)
        {
            return false;
        }

        int value = 0;
        for (int i = 1, shift = 0; i < span.Length && shift < 35; i++, shift += 7)
        {
            value |= (span[i] & 0x7F) << shift;
            if (span[i] < 0x80)
            {
                return value == SucceedRetcode;
            }
        }

        return false;
    }
}
