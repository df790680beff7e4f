using FedSharp.Core.Configuration;
using FedSharp.Core.Protocol;
using FedSharp.Server.Metrics;
using FedSharp.Server.Protocol;
using FedSharp.Testing;
using Google.Protobuf;

namespace FedSharp.Server.Tests.Metrics;

public sealed class DataRateLogTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 23, 59, 58, TimeSpan.Zero));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Record_ThenAMinutePasses_AppendsOneLinePerSecondWithTraffic_InThatDaysFile()
    {
        using var log = new DataRateLog(_directory.Path, "127.0.0.1:6666", _time);
        log.Record(received: 100, sent: 10);
        log.Record(received: 50, sent: 5);
        _time.Advance(TimeSpan.FromSeconds(3));
        log.Record(received: 7, sent: 1_000);

        _time.Advance(DataRateLog.FlushInterval);

        Assert.Equal(
            ["{\"time\":\"2026-12-06 23:59:58\",\"send\":15,\"receive\":150}"],
            File.ReadAllLines(Path.Combine(_directory.Path, "2026-12-06_flow_server127.0.0.1_6666.json")));
        Assert.Equal(
            ["{\"time\":\"2026-12-07 00:00:01\",\"send\":1000,\"receive\":7}"],
            File.ReadAllLines(Path.Combine(_directory.Path, "2026-12-07_flow_server127.0.0.1_6666.json")));
    }

    [Fact]
    public void Dispose_WritesWhatIsStillCounted_AndQuietSecondsWriteNothing()
    {
        var log = new DataRateLog(_directory.Path, "s", _time);
        _time.Advance(DataRateLog.FlushInterval);
        Assert.Empty(Directory.GetFiles(_directory.Path));

        log.Record(received: 3, sent: 4);
        log.Dispose();

        Assert.Equal(["{\"time\":\"2026-12-07 00:00:58\",\"send\":4,\"receive\":3}"], File.ReadAllLines(Path.Combine(_directory.Path, "2026-12-07_flow_servers.json")));
    }

    [Fact]
    public async Task Server_WithDataRateDir_LogsEveryRequestAndReplyBody()
    {
        string rates = Path.Combine(_directory.Path, "rates");
        JobConfiguration configuration = JobConfiguration.Parse(
            $"""
            fl_name: rates
            server_mode: FEDERATED_LEARNING
            round:
              start_fl_job_threshold: 2
            summary:
              metrics_file: '{Path.Combine(_directory.Path, "metrics.json")}'
              failure_event_file: '{Path.Combine(_directory.Path, "event.txt")}'
              data_rate_dir: '{rates}'
            fedsharp:
              checkpoint_dir: '{Path.Combine(_directory.Path, "ckpt")}'
            """,
            "rates.yaml");
        FederatedServer server = await FederatedServer.StartAsync(configuration, Models.Filled(0.5f), _time, CancellationToken.None);
        byte[] request = new StartFLJobRequest { ProtocolVersion = 1, FlName = "rates", FlId = "a", DataSize = 5 }.ToByteArray();

        ProtocolResponse reply = await server.Handler.HandleAsync(RoundPaths.StartFLJob, request, CancellationToken.None);
        await server.DisposeAsync();

        Assert.Equal(200, reply.StatusCode);
        Assert.Equal(
            [$"{{\"time\":\"2026-12-06 23:59:58\",\"send\":{reply.Content.Length},\"receive\":{request.Length}}}"],
            File.ReadAllLines(Path.Combine(rates, "2026-12-06_flow_serverrates.json")));
    }
}
