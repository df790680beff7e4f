using FedSharp.Core.Configuration;
using FedSharp.Core.Models;
using FedSharp.Core.Protocol;
using FedSharp.Testing;
using Google.Protobuf;

namespace FedSharp.Server.Tests.Strategies;

/// <summary>
/// A server-optimizer's state survives a restart: a server object started again on the same checkpoint folder
/// aggregates the next iteration exactly as a server that never stopped. Nothing is killed; the first server is
/// disposed between iterations and a new one resumes from its checkpoints.
/// </summary>
public sealed class StrategyStateRestartTests : IDisposable
{
    private static readonly int[] s_dataSizes = [5, 40, 12];
    private readonly TemporaryDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Theory]
    [InlineData(ServerOptimizerKind.Momentum)]
    [InlineData(ServerOptimizerKind.Adam)]
    [InlineData(ServerOptimizerKind.Yogi)]
    [InlineData(ServerOptimizerKind.Adagrad)]
    public async Task Restart_BetweenIterations_NextAggregateEqualsTheUninterruptedRun(ServerOptimizerKind optimizer)
    {
        // Arrange: one server runs iterations 1–3; another runs 1–2, stops, and a third resumes from its folder.
        ModelParameters initial = InitialModel();
        byte[] uninterrupted;
        await using (FederatedServer server = await StartAsync(Configuration("straight", optimizer), initial))
        {
            await RunIterationsAsync(server, 1, 3, initial);
            uninterrupted = await ModelBytesAsync(server, 3);
        }

        await using (FederatedServer first = await StartAsync(Configuration("restarted", optimizer), initial))
        {
            await RunIterationsAsync(first, 1, 2, initial);
        }

        // Act
        await using FederatedServer resumed = await StartAsync(Configuration("restarted", optimizer), initial);
        await RunIterationsAsync(resumed, 3, 3, initial);

        // Assert
        Assert.Equal(2, resumed.Startup.ResumedFrom?.Iteration);
        Assert.NotNull(resumed.Startup.ResumedFrom?.StrategyState);
        Assert.Equal(uninterrupted, await ModelBytesAsync(resumed, 3));
    }

    [Fact]
    public async Task Restart_WithoutTheState_WouldAggregateDifferently()
    {
        // The control for the test above: the same resume with the state file's moments dropped gives another model,
        // so equality there is the restored state's doing.
        ModelParameters initial = InitialModel();
        byte[] uninterrupted;
        await using (FederatedServer server = await StartAsync(Configuration("straight", ServerOptimizerKind.Adam), initial))
        {
            await RunIterationsAsync(server, 1, 3, initial);
            uninterrupted = await ModelBytesAsync(server, 3);
        }

        await using (FederatedServer first = await StartAsync(Configuration("dropped", ServerOptimizerKind.Adam), initial))
        {
            await RunIterationsAsync(first, 1, 2, initial);
        }

        var strategy = new FedSharp.Server.Strategies.FedAdam(new FedSharp.Server.Strategies.FedAvg(), new FedSharp.Server.Strategies.ServerOptimizerOptions { LearningRate = 0.05 });
        await using FederatedServer resumed = await FederatedServer.StartAsync(
            new FederatedServerOptions { Configuration = Configuration("dropped", ServerOptimizerKind.Adam), InitialModel = initial, Time = new ManualTimeProvider(), Strategy = strategy },
            CancellationToken.None);
        strategy.RestoreState(new FedSharp.Server.Stores.PublishedModel(2, resumed.Startup.ResumedFrom!.Parameters), resumed.Startup.ResumedFrom.StrategyState!.ZerosLike());
        await RunIterationsAsync(resumed, 3, 3, initial);

        Assert.NotEqual(uninterrupted, await ModelBytesAsync(resumed, 3));
    }

    [Fact]
    public async Task Restart_StateOfAnotherOptimizer_StopsStartUpNamingTheCheckpoint()
    {
        ModelParameters initial = InitialModel();
        await using (FederatedServer first = await StartAsync(Configuration("switched", ServerOptimizerKind.Adam), initial))
        {
            await RunIterationsAsync(first, 1, 1, initial);
        }

        var momentum = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(Configuration("switched", ServerOptimizerKind.Momentum), initial));
        var none = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(Configuration("switched", ServerOptimizerKind.None), initial));

        Assert.Contains("iteration-1.ckpt", momentum.Message, StringComparison.Ordinal);
        Assert.Contains("fedsharp.server_optimizer", momentum.Message, StringComparison.Ordinal);
        Assert.Contains("keeps none", none.Message, StringComparison.Ordinal);
    }

    private JobConfiguration Configuration(string folder, ServerOptimizerKind optimizer)
    {
        var configuration = new JobConfiguration { FlName = "restart", FlIterationNum = 5 };
        configuration.Round.StartFlJobThreshold = s_dataSizes.Length;
        configuration.FedSharp.CheckpointDir = Path.Combine(_root.Path, folder, "ckpt");
        configuration.Summary.MetricsFile = Path.Combine(_root.Path, folder, "metrics.json");
        configuration.Summary.FailureEventFile = Path.Combine(_root.Path, folder, "event.txt");
        configuration.FedSharp.ServerOptimizer = optimizer;
        if (optimizer != ServerOptimizerKind.None)
        {
            configuration.FedSharp.ServerLearningRate = optimizer == ServerOptimizerKind.Momentum ? 1 : 0.05;
        }

        return configuration;
    }

    private static Task<FederatedServer> StartAsync(JobConfiguration configuration, ModelParameters initial) =>
        FederatedServer.StartAsync(configuration, initial, new ManualTimeProvider(), CancellationToken.None);

    private static async Task RunIterationsAsync(FederatedServer server, int from, int to, ModelParameters layout)
    {
        for (int iteration = from; iteration <= to; iteration++)
        {
            var globals = new List<ModelParameters>();
            for (int client = 0; client < s_dataSizes.Length; client++)
            {
                var start = StartFLJobResponse.Parser.ParseFrom((await server.Handler.HandleAsync(
                    RoundPaths.StartFLJob,
                    new StartFLJobRequest { ProtocolVersion = 1, FlName = "restart", FlId = $"c{client}", DataSize = s_dataSizes[client] }.ToByteArray(),
                    CancellationToken.None)).Body.Span);
                Assert.Equal(Retcode.Succeed, start.Retcode);
                Assert.Equal(iteration, start.Iteration);
                Assert.True(TensorCodec.TryDecode(start.Tensors, layout, out ModelParameters? global, out _));
                globals.Add(global);
            }

            for (int client = 0; client < s_dataSizes.Length; client++)
            {
                // Each client's training is a fixed function of the global model, the iteration and the client.
                var random = new Random((iteration * 100) + client);
                ModelParameters trained = globals[client].Clone();
                foreach (ParameterTensor tensor in trained.Tensors)
                {
                    for (int i = 0; i < tensor.Values.Length; i++)
                    {
                        tensor.Values[i] += (float)((random.NextDouble() - 0.3) * 0.1);
                    }
                }

                var update = new UpdateModelRequest { ProtocolVersion = 1, FlName = "restart", FlId = $"c{client}", Iteration = iteration };
                update.Tensors.AddRange(TensorCodec.Encode(trained));
                var reply = UpdateModelResponse.Parser.ParseFrom((await server.Handler.HandleAsync(RoundPaths.UpdateModel, update.ToByteArray(), CancellationToken.None)).Body.Span);
                Assert.Equal(Retcode.Succeed, reply.Retcode);
            }

            // The last update is acknowledged before the iteration is aggregated in the background.
            await server.Coordinator.WhenIdleAsync();
        }
    }

    private static async Task<byte[]> ModelBytesAsync(FederatedServer server, int iteration)
    {
        var model = GetModelResponse.Parser.ParseFrom((await server.Handler.HandleAsync(
            RoundPaths.GetModel, new GetModelRequest { ProtocolVersion = 1, FlName = "restart", Iteration = iteration }.ToByteArray(), CancellationToken.None)).Body.Span);
        Assert.Equal(iteration, model.ModelIteration);
        return [.. model.Tensors.SelectMany(t => t.Data.ToByteArray())];
    }

    private static ModelParameters InitialModel()
    {
        var random = new Random(10);
        return new ModelParameters(
        [
            new ParameterTensor("fc.weight", [3, 4], [.. Enumerable.Range(0, 12).Select(_ => (float)(random.NextDouble() - 0.5))]),
            new ParameterTensor("fc.bias", [3], [.. Enumerable.Range(0, 3).Select(_ => (float)(random.NextDouble() - 0.5))]),
        ]);
    }
}
