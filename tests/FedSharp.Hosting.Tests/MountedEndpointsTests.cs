using System.Net;
using System.Net.Http.Headers;
using FedSharp.Core.Configuration;
using FedSharp.Core.Protocol;
using FedSharp.Server;
using FedSharp.Testing;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FedSharp.Hosting.Tests;

/// <summary>The device protocol mounted in an ordinary ASP.NET Core application on loopback, beside its own routes.</summary>
public sealed class MountedEndpointsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("fedsharp-mounted-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task MapFederatedRounds_InAnExistingApp_ServesTheRoundsUnderThePrefix_AndTheAppKeepsItsOwnRoutes()
    {
        var configuration = new JobConfiguration { FlName = "mounted", FlIterationNum = 2 };
        configuration.Round.StartFlJobThreshold = 1;
        configuration.FedSharp.CheckpointDir = Path.Combine(_root, "ckpt");
        configuration.Summary.MetricsFile = Path.Combine(_root, "metrics.json");
        configuration.Summary.FailureEventFile = Path.Combine(_root, "event.txt");
        await using FederatedServer server = await FederatedServer.StartAsync(configuration, HostedServer.Filled(1f), new ManualTimeProvider(), CancellationToken.None);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using WebApplication app = builder.Build();
        app.MapGet("/hello", () => "the application's own route");
        app.MapFederatedRounds(server, "fl");
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };

        var content = new ByteArrayContent(new StartFLJobRequest { ProtocolVersion = ProtocolVersion.Current, FlName = "mounted", FlId = "a", DataSize = 3 }.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue(RoundPaths.ContentType);
        using HttpResponseMessage round = await client.PostAsync("/fl/startFLJob", content);
        using HttpResponseMessage wrongMethod = await client.GetAsync("/fl/startFLJob");
        string hello = await client.GetStringAsync("/hello");
        await app.StopAsync();

        Assert.Equal(HttpStatusCode.OK, round.StatusCode);
        StartFLJobResponse reply = StartFLJobResponse.Parser.ParseFrom(await round.Content.ReadAsByteArrayAsync());
        Assert.Equal(Retcode.Succeed, reply.Retcode);
        Assert.Equal(6, reply.Tensors.Sum(t => t.Data.Length) / sizeof(float));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Contains("use POST", await wrongMethod.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("the application's own route", hello);
    }
}
