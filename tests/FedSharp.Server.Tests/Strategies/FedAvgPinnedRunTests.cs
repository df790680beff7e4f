using System.Security.Cryptography;
using FedSharp.Core.Configuration;
using FedSharp.Core.Models;
using FedSharp.Core.Protocol;
using FedSharp.Server.Protocol;
using FedSharp.Testing;
using Google.Protobuf;

namespace FedSharp.Server.Tests.Strategies;

/// <summary>
/// FedAvg's arithmetic (float32, Σ nᵢ·wᵢ in arrival order, then one division) pinned bit for bit: a fixed seeded run
/// through the device protocol must end in exactly these model bytes. A change to the strategy seams, the update
/// path or the accumulator that alters FedAvg's result by one bit fails here.
/// </summary>
public sealed class FedAvgPinnedRunTests : IDisposable
{
    private const string PinnedSha256 = "B2F1BA73D94C65B4A1986C0084164F29717D47C9D6306D4A5CA8D87BA62C6AB4";
    private readonly TemporaryDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task SeededRun_FiveClientsThreeIterations_EndsInThePinnedModelBytes()
    {
        var configuration = new JobConfiguration { FlName = "pinned", FlIterationNum = 3 };
        configuration.Round.StartFlJobThreshold = 5;
        configuration.FedSharp.CheckpointDir = Path.Combine(_root.Path, "ckpt");
        configuration.Summary.MetricsFile = Path.Combine(_root.Path, "metrics.json");
        configuration.Summary.FailureEventFile = Path.Combine(_root.Path, "event.txt");
        var random = new Random(20261206);
        ModelParameters initial = Random(random, 0.5f);
        await using FederatedServer server = await FederatedServer.StartAsync(configuration, initial, new ManualTimeProvider(), CancellationToken.None);
        int[] dataSizes = [17, 600, 3, 250, 64];

        ModelParameters global = initial;
        for (int iteration = 1; iteration <= 3; iteration++)
        {
            for (int client = 0; client < dataSizes.Length; client++)
            {
                var start = StartFLJobResponse.Parser.ParseFrom((await server.Handler.HandleAsync(
                    RoundPaths.StartFLJob,
                    new StartFLJobRequest { ProtocolVersion = 1, FlName = "pinned", FlId = $"c{client}", DataSize = dataSizes[client] }.ToByteArray(),
                    CancellationToken.None)).Body.Span);
                Assert.Equal(Retcode.Succeed, start.Retcode);
                Assert.True(TensorCodec.TryDecode(start.Tensors, initial, out ModelParameters? received, out _));
                global = received;
            }

            for (int client = 0; client < dataSizes.Length; client++)
            {
                ModelParameters trained = global.Clone();
                foreach (ParameterTensor tensor in trained.Tensors)
                {
                    for (int i = 0; i < tensor.Values.Length; i++)
                    {
                        tensor.Values[i] += (float)((random.NextDouble() - 0.5) * 0.1);
                    }
                }

                var update = new UpdateModelRequest { ProtocolVersion = 1, FlName = "pinned", FlId = $"c{client}", Iteration = iteration };
                update.Tensors.AddRange(TensorCodec.Encode(trained));
                var reply = UpdateModelResponse.Parser.ParseFrom((await server.Handler.HandleAsync(RoundPaths.UpdateModel, update.ToByteArray(), CancellationToken.None)).Body.Span);
                Assert.Equal(Retcode.Succeed, reply.Retcode);
            }

            // The last update is acknowledged before the iteration is aggregated in the background.
            await server.Coordinator.WhenIdleAsync();
        }

        var model = GetModelResponse.Parser.ParseFrom((await server.Handler.HandleAsync(
            RoundPaths.GetModel, new GetModelRequest { ProtocolVersion = 1, FlName = "pinned", Iteration = 3 }.ToByteArray(), CancellationToken.None)).Body.Span);
        Assert.Equal(3, model.ModelIteration);
        string sha256 = Convert.ToHexString(SHA256.HashData(model.Tensors.SelectMany(t => t.Data.ToByteArray()).ToArray()));
        Assert.True(sha256 == PinnedSha256, $"FedAvg's model bytes changed: SHA-256 {sha256}, pinned {PinnedSha256}.");
    }

    private static ModelParameters Random(Random random, float scale) => new(
    [
        new ParameterTensor("conv.weight", [4, 1, 3, 3], [.. Enumerable.Range(0, 36).Select(_ => (float)(random.NextDouble() - 0.5) * scale)]),
        new ParameterTensor("fc.weight", [3, 7], [.. Enumerable.Range(0, 21).Select(_ => (float)(random.NextDouble() - 0.5) * scale)]),
        new ParameterTensor("fc.bias", [3], [.. Enumerable.Range(0, 3).Select(_ => (float)(random.NextDouble() - 0.5) * scale)]),
    ]);
}
