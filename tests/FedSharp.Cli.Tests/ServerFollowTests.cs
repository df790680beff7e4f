using System.Text.Json;
using FedSharp.Cli.Commands;
using FedSharp.Core.Configuration;
using FedSharp.Core.Models;
using FedSharp.Core.Protocol;
using FedSharp.Server;
using FedSharp.Server.Protocol;
using FedSharp.Server.Rounds;
using FedSharp.Testing;
using Google.Protobuf;

namespace FedSharp.Cli.Tests;

/// <summary>
/// The loop behind `fedsharp server --json`, in process: the exact moment of the stop is chosen, which a separate
/// process cannot do (ServerCommandTests covers the same contract through a real SIGTERM).
/// </summary>
public sealed class ServerFollowTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fedsharp-follow-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task FollowAsync_StoppedAfterTheLastIterationEndedBetweenPolls_ReportsItAndTheFinishedState()
    {
        var configuration = new JobConfiguration { FlName = "follow", FlIterationNum = 1 };
        configuration.Round.StartFlJobThreshold = 1;
        configuration.FedSharp.Model = "logistic-regression";
        configuration.FedSharp.CheckpointDir = Path.Combine(_directory, "ckpt");
        configuration.Summary.MetricsFile = Path.Combine(_directory, "metrics.json");
        configuration.Summary.FailureEventFile = Path.Combine(_directory, "event.txt");
        ModelParameters model = ServerCommand.InitialModel(configuration);
        await using FederatedServer server = await FederatedServer.StartAsync(configuration, model, new ManualTimeProvider(), CancellationToken.None);
        var output = new StringWriter();
        using var stop = new CancellationTokenSource();

        // The loop reads the running state, reports nothing and waits for its next poll, a minute away.
        Task<RoundState> following = ServerCommand.FollowAsync(server, output, exitWhenFinished: false, ranAfter: 0, TimeSpan.FromMinutes(1), stop.Token);
        await RunTheOnlyIterationAsync(server.Handler, model);
        await stop.CancelAsync();
        RoundState final = await following;

        Assert.Equal(InstanceStatus.Finished, final.Status);
        JsonElement line = JsonDocument.Parse(Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))).RootElement;
        Assert.Equal(1, line.GetProperty("iteration").GetInt32());
        Assert.True(line.GetProperty("valid").GetBoolean());
    }

    private static async Task RunTheOnlyIterationAsync(DeviceProtocolHandler handler, ModelParameters model)
    {
        var join = new StartFLJobRequest { ProtocolVersion = ProtocolVersion.Current, FlName = "follow", FlId = "device", DataSize = 10 };
        ProtocolResponse joined = await handler.HandleAsync(RoundPaths.StartFLJob, join.ToByteArray(), CancellationToken.None);
        Assert.Equal(Retcode.Succeed, StartFLJobResponse.Parser.ParseFrom(joined.Body.Span).Retcode);
        var update = new UpdateModelRequest { ProtocolVersion = ProtocolVersion.Current, FlName = "follow", FlId = "device", Iteration = 1, UploadLoss = 0.5f };
        update.Tensors.AddRange(TensorCodec.Encode(model));
        ProtocolResponse updated = await handler.HandleAsync(RoundPaths.UpdateModel, update.ToByteArray(), CancellationToken.None);
        Assert.Equal(Retcode.Succeed, UpdateModelResponse.Parser.ParseFrom(updated.Body.Span).Retcode);
    }
}
