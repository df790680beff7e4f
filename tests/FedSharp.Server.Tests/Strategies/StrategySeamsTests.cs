using FedSharp.Core.Configuration;
using FedSharp.Core.Models;
using FedSharp.Core.Protocol;
using FedSharp.Server.Rounds;
using FedSharp.Server.Stores;
using FedSharp.Server.Strategies;
using FedSharp.Testing;
using Google.Protobuf;

namespace FedSharp.Server.Tests.Strategies;

/// <summary>
/// The seams a strategy plugs into, each through the device protocol of a real <see cref="FederatedServer"/>: the
/// plan's strategy fields, the per-update review before accumulation, and the choice of accumulator.
/// </summary>
public sealed class StrategySeamsTests : IDisposable
{
    private readonly TemporaryDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task StartFlJob_StrategyWithParameters_PlanCarriesItsScalarsAndTensors_FedAvgPlanCarriesNone()
    {
        var control = new ModelParameters([new ParameterTensor("c/fc.weight", [2, 2], [1, 2, 3, 4])]);
        await using FederatedServer planned = await StartAsync(new PlanningStrategy(new StrategyParameters(new Dictionary<string, double> { ["proximal_mu"] = 0.01 }, control)), "planned");
        await using FederatedServer plain = await StartAsync(new FedAvg(), "plain");

        StartFLJobResponse withStrategy = await JoinAsync(planned, "planned", "a");
        StartFLJobResponse withoutStrategy = await JoinAsync(plain, "plain", "a");

        StrategyParameters received = StrategyParameters.FromMessage(withStrategy.FlPlan.Strategy);
        Assert.Equal(0.01, received.Scalars["proximal_mu"]);
        Assert.True(received.Tensors!.TryGet("c/fc.weight", out ParameterTensor? tensor));
        Assert.Equal([1f, 2f, 3f, 4f], tensor.Values);
        Assert.Null(withoutStrategy.FlPlan.Strategy);
    }

    [Fact]
    public async Task UpdateModel_ReviewRefuses_DeviceToldWhy_AndTheUpdateIsNotCounted()
    {
        await using FederatedServer server = await StartAsync(new ClippingStrategy(maxDistance: 1f), "clip", threshold: 1);
        await JoinAsync(server, "clip", "far");

        UpdateModelResponse reply = await UpdateAsync(server, "clip", "far", Models.Filled(10f));

        Assert.Equal(Retcode.RequestError, reply.Retcode);
        Assert.Contains("refused by the ClippingStrategy strategy: the update moved 9.5 from the global model; at most 1 is allowed", reply.Reason, StringComparison.Ordinal);
        Assert.Equal(0, (await server.Coordinator.GetStateAsync(CancellationToken.None)).UpdatesAccepted);
    }

    [Fact]
    public async Task UpdateModel_ReviewRewritesTheUpdate_TheRewrittenUpdateIsAggregated()
    {
        await using FederatedServer server = await StartAsync(new ClippingStrategy(maxDistance: 100f, clipTo: 2f), "clip", threshold: 1);
        await JoinAsync(server, "clip", "a");

        UpdateModelResponse reply = await UpdateAsync(server, "clip", "a", Models.Filled(50f));

        Assert.Equal(Retcode.Succeed, reply.Retcode);
        Assert.Equal(Enumerable.Repeat(2f, 6), Models.Flatten(await ModelAsync(server)));
    }

    [Fact]
    public async Task Aggregate_IndividualUpdatesAccumulator_StrategySeesEveryUpdate_MedianIgnoresTheOutlier()
    {
        await using FederatedServer server = await StartAsync(new CoordinateMedian(), "median", threshold: 3);
        foreach (string id in new[] { "a", "b", "c" })
        {
            await JoinAsync(server, "median", id);
        }

        await UpdateAsync(server, "median", "a", Models.Create(1, 2, 3, 4, 5, 6));
        await UpdateAsync(server, "median", "b", Models.Create(2, 3, 4, 5, 6, 7));
        await UpdateAsync(server, "median", "c", Models.Create(1000, -1000, 1000, -1000, 1000, -1000));

        ModelParameters median = await ModelAsync(server);
        Assert.Equal([2f, 2f, 4f, 4f, 6f, 6f], Models.Flatten(median));
    }

    [Fact]
    public void Coordinator_StrategyAndStoreAccumulateDifferently_RefusesNamingBoth()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new RoundCoordinator(
            new RoundOptions(), new InMemoryRoundStore(), new InMemoryUpdateStore(), new InMemoryModelStore(), new CoordinateMedian(), new ManualTimeProvider()));

        Assert.Contains("Strategy CoordinateMedian accumulates updates as IndividualUpdates but the update store InMemoryUpdateStore holds them as WeightedSum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MemoryBound_SumsHoldOneModel_TheBufferOnePerParticipant()
    {
        Assert.Equal(4_000L, Accumulator.WeightedSum.MemoryBoundBytes(1_000, 50));
        Assert.Equal(4_000L, Accumulator.RingSum.MemoryBoundBytes(1_000, 50));
        Assert.Equal(200_000L, Accumulator.IndividualUpdates.MemoryBoundBytes(1_000, 50));
    }

    [Fact]
    public async Task Store_IndividualUpdates_KeepsCopiesInArrivalOrder_EvenWhenTheCallerReusesItsBuffers()
    {
        var store = new InMemoryUpdateStore(AccumulatorKind.IndividualUpdates);
        ModelParameters buffer = Models.Filled(1f);
        await store.AddAsync([new ClientUpdate("b", 1, buffer, 3)], CancellationToken.None);
        buffer[0].Values[0] = 99f;
        await store.AddAsync([new ClientUpdate("a", 1, Models.Filled(2f), 5), new ClientUpdate("b", 1, Models.Filled(7f), 3)], CancellationToken.None);

        IterationAggregate aggregate = (await store.ReadAsync(1, CancellationToken.None))!;

        Assert.Equal(["b", "a"], aggregate.Updates.Select(u => u.ClientId));
        Assert.Equal(Enumerable.Repeat(1f, 6), Models.Flatten(aggregate.Updates[0].Parameters));
        Assert.Equal(8, aggregate.TotalWeight);
        Assert.Equal(Enumerable.Repeat(0f, 6), Models.Flatten(aggregate.WeightedSum));
    }

    [Fact]
    public async Task Store_RingSum_AddsWordsModulo2To32_Unweighted()
    {
        var store = new InMemoryUpdateStore(AccumulatorKind.RingSum);
        float Word(uint w) => BitConverter.UInt32BitsToSingle(w);
        await store.AddAsync([new ClientUpdate("a", 1, Models.Create(Word(uint.MaxValue), Word(5), 0, 0, 0, 0), 10)], CancellationToken.None);
        await store.AddAsync([new ClientUpdate("b", 1, Models.Create(Word(2), Word(7), 0, 0, 0, 0), 20)], CancellationToken.None);

        IterationAggregate aggregate = (await store.ReadAsync(1, CancellationToken.None))!;

        Assert.Equal([1u, 12u], aggregate.WeightedSum[0].Values[..2].Select(BitConverter.SingleToUInt32Bits));
        Assert.Equal(30, aggregate.TotalWeight);
    }

    private async Task<FederatedServer> StartAsync(IStrategy strategy, string flName, int threshold = 2)
    {
        var configuration = new JobConfiguration { FlName = flName, FlIterationNum = 3 };
        configuration.Round.StartFlJobThreshold = threshold;
        configuration.FedSharp.CheckpointDir = Path.Combine(_root.Path, "ckpt");
        configuration.Summary.MetricsFile = Path.Combine(_root.Path, flName + "-metrics.json");
        configuration.Summary.FailureEventFile = Path.Combine(_root.Path, flName + "-event.txt");
        return await FederatedServer.StartAsync(
            new FederatedServerOptions { Configuration = configuration, InitialModel = Models.Filled(0.5f), Time = new ManualTimeProvider(), Strategy = strategy },
            CancellationToken.None);
    }

    private static async Task<StartFLJobResponse> JoinAsync(FederatedServer server, string flName, string id)
    {
        var request = new StartFLJobRequest { ProtocolVersion = 1, FlName = flName, FlId = id, DataSize = 4 };
        StartFLJobResponse reply = StartFLJobResponse.Parser.ParseFrom((await server.Handler.HandleAsync(RoundPaths.StartFLJob, request.ToByteArray(), CancellationToken.None)).Body.Span);
        Assert.Equal(Retcode.Succeed, reply.Retcode);
        return reply;
    }

    private static async Task<UpdateModelResponse> UpdateAsync(FederatedServer server, string flName, string id, ModelParameters trained)
    {
        var request = new UpdateModelRequest { ProtocolVersion = 1, FlName = flName, FlId = id, Iteration = 1 };
        request.Tensors.AddRange(TensorCodec.Encode(trained));
        return UpdateModelResponse.Parser.ParseFrom((await server.Handler.HandleAsync(RoundPaths.UpdateModel, request.ToByteArray(), CancellationToken.None)).Body.Span);
    }

    private static async Task<ModelParameters> ModelAsync(FederatedServer server)
    {
        // Aggregation runs in the background after the update that completed the iteration was acknowledged.
        await server.Coordinator.WhenIdleAsync();
        var request = new GetModelRequest { ProtocolVersion = 1, FlName = server.Configuration.FlName, Iteration = 1 };
        GetModelResponse reply = GetModelResponse.Parser.ParseFrom((await server.Handler.HandleAsync(RoundPaths.GetModel, request.ToByteArray(), CancellationToken.None)).Body.Span);
        Assert.True(TensorCodec.TryDecode(reply.Tensors, Models.Filled(0), out ModelParameters? model, out TensorFault? fault), fault?.Message);
        return model;
    }

    // FedAvg plus fixed strategy fields in every plan.
    private sealed class PlanningStrategy(StrategyParameters parameters) : IStrategy
    {
        private readonly FedAvg _fedAvg = new();

        public TrainingPlan ConfigureTraining(int iteration, PublishedModel globalModel) => new(iteration, globalModel, parameters);

        public TrainingAggregation AggregateTraining(IterationAggregate aggregate, PublishedModel globalModel) => _fedAvg.AggregateTraining(aggregate, globalModel);

        public EvaluationPlan? ConfigureEvaluation(int iteration, PublishedModel globalModel) => _fedAvg.ConfigureEvaluation(iteration, globalModel);

        public EvaluationSummary AggregateEvaluation(IterationAggregate? aggregate) => _fedAvg.AggregateEvaluation(aggregate);
    }

    // FedAvg that refuses updates farther than maxDistance (max-norm) from the global model and clips the rest to clipTo.
    private sealed class ClippingStrategy(float maxDistance, float clipTo = float.MaxValue) : IStrategy
    {
        private readonly FedAvg _fedAvg = new();

        public bool ReviewsUpdates => true;

        public UpdateReview ReviewUpdate(ClientUpdate update, PublishedModel globalModel)
        {
            float distance = update.Parameters.Tensors.Zip(globalModel.Parameters.Tensors)
                .SelectMany(pair => pair.First.Values.Zip(pair.Second.Values, (u, g) => Math.Abs(u - g)))
                .Max();
            if (distance > maxDistance)
            {
                return UpdateReview.Refuse($"the update moved {distance} from the global model; at most {maxDistance} is allowed");
            }

            foreach (ParameterTensor tensor in update.Parameters.Tensors)
            {
                for (int i = 0; i < tensor.Values.Length; i++)
                {
                    tensor.Values[i] = Math.Min(tensor.Values[i], clipTo);
                }
            }

            return UpdateReview.Accept;
        }

        public TrainingPlan ConfigureTraining(int iteration, PublishedModel globalModel) => _fedAvg.ConfigureTraining(iteration, globalModel);

        public TrainingAggregation AggregateTraining(IterationAggregate aggregate, PublishedModel globalModel) => _fedAvg.AggregateTraining(aggregate, globalModel);

        public EvaluationPlan? ConfigureEvaluation(int iteration, PublishedModel globalModel) => _fedAvg.ConfigureEvaluation(iteration, globalModel);

        public EvaluationSummary AggregateEvaluation(IterationAggregate? aggregate) => _fedAvg.AggregateEvaluation(aggregate);
    }

    // The coordinate-wise median of the buffered updates (lower median for an even count).
    private sealed class CoordinateMedian : IStrategy
    {
        public Accumulator Accumulator => Accumulator.IndividualUpdates;

        public TrainingPlan ConfigureTraining(int iteration, PublishedModel globalModel) => new(iteration, globalModel);

        public TrainingAggregation AggregateTraining(IterationAggregate aggregate, PublishedModel globalModel)
        {
            ModelParameters median = globalModel.Parameters.ZerosLike();
            for (int t = 0; t < median.Count; t++)
            {
                for (int i = 0; i < median[t].Values.Length; i++)
                {
                    float[] column = [.. aggregate.Updates.Select(u => u.Parameters[t].Values[i]).Order()];
                    median[t].Values[i] = column[(column.Length - 1) / 2];
                }
            }

            return TrainingAggregation.Success(median);
        }

        public EvaluationPlan? ConfigureEvaluation(int iteration, PublishedModel globalModel) => new(iteration, globalModel);

        public EvaluationSummary AggregateEvaluation(IterationAggregate? aggregate) => new(null, null, aggregate?.Contributors.Count ?? 0);
    }
}
