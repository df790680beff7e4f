using System.Globalization;
using Garnet;

namespace FedSharp.Server.Redis.Tests.Fixtures;

/// <summary>
/// Microsoft.Garnet embedded in the test process on a free loopback port: the single-machine default of the design.
/// Lua is off in Garnet unless asked for; <c>--lua-transaction-mode</c> makes a script lock its keys, which the stores'
/// compare-and-set scripts need to be atomic against concurrent clients, as they are on Redis.
/// </summary>
public sealed class GarnetFixture : StoreServerFixture
{
    private GarnetServer? _server;
    private int _port;

    public override string Endpoint => $"127.0.0.1:{_port}";

    protected override async Task StartServerAsync()
    {
        _port = FreePort.Next();
        _server = new GarnetServer(
        [
            "--port", _port.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--lua", "true",
            "--lua-transaction-mode", "true",
            "--memory", "64m",
            "--index", "1m",
        ]);
        _server.Start();
        await RedisPing.WaitUntilAnswersAsync(_port, tls: null, exited: () => null);
    }

    protected override Task StopServerAsync()
    {
        _server?.Dispose();
        return Task.CompletedTask;
    }
}
