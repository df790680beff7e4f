using System.Text.Json;
using FedSharp.Core.Models;
using FedSharp.Server.Checkpoints;
using FedSharp.Server.Metrics;
using FedSharp.Server.Rounds;
using FedSharp.Server.Stores;
using FedSharp.Server.Strategies;
using FedSharp.Testing;

namespace FedSharp.Server.Tests.Rounds;

public sealed class RoundCoordinatorTests : IDisposable
{
    private static readonly TimeSpan s_startWindow = TimeSpan.FromMilliseconds(10_000);
    private static readonly TimeSpan s_updateWindow = TimeSpan.FromMilliseconds(20_000);
    private readonly ManualTimeProvider _time = new();
    private readonly TemporaryDirectory _root = new();
    private readonly InMemoryRoundStore _rounds = new();
    private readonly InMemoryUpdateStore _updates = new();
    private readonly InMemoryModelStore _models = new();
    private readonly List<RoundCoordinator> _coordinators = [];

    public void Dispose()
    {
        foreach (RoundCoordinator coordinator in _coordinators)
        {
            coordinator.Dispose();
        }

        _root.Dispose();
    }

    private string MetricsPath => Path.Combine(_root.Path, "metrics.json");

    private string EventsPath => Path.Combine(_root.Path, "event.txt");

    private static RoundOptions Options(int threshold, int iterations = 3, double ratio = 1.0) => new()
    {
        StartFlJobThreshold = threshold,
        UpdateModelRatio = ratio,
        StartFlJobTimeWindow = s_startWindow,
        UpdateModelTimeWindow = s_updateWindow,
        GlobalIterationTimeWindow = TimeSpan.FromMinutes(5),
        FlIterationNum = iterations,
    };

    private RoundCoordinator Create(RoundOptions options, CheckpointStore? checkpoints = null, bool metrics = false, IRoundStore? rounds = null, IUpdateStore? updates = null, IModelStore? models = null)
    {
        var coordinator = new RoundCoordinator(
            options,
            rounds ?? _rounds,
            updates ?? _updates,
            models ?? _models,
            new FedAvg(),
            _time,
            checkpoints,
            metrics ? new IterationMetricsWriter(MetricsPath, EventsPath, options.ContinuousFailureTimes, _time) : null);
        _coordinators.Add(coordinator);
        return coordinator;
    }

    private CheckpointStore Checkpoints() => new(Path.Combine(_root.Path, "ckpt"), "lenet", 3, _time);

    /// <summary>Client i's update in iteration n: the global model shifted by steps of 1/8, so every sum is exact in float32.</summary>
    private static ModelParameters Trained(ModelParameters global, int client, int iteration)
    {
        float[] values = Models.Flatten(global);
        for (int j = 0; j < values.Length; j++)
        {
            values[j] += ((client + 1) * 0.5f) - (j * 0.25f) + (iteration * 0.125f);
        }

        return Models.Create(values);
    }

    private async Task RunIterationAsync(RoundCoordinator coordinator, int iteration, (string Id, int DataSize)[] clients)
    {
        var global = new Dictionary<string, ModelParameters>();
        foreach ((string id, int dataSize) in clients)
        {
            StartFlJobResult joined = await coordinator.StartFlJobAsync(id, dataSize, CancellationToken.None);
            Assert.Equal(RoundRetcode.Succeed, joined.Reply.Code);
            global[id] = joined.Training!.Model.Parameters;
        }

        for (int i = 0; i < clients.Length; i++)
        {
            (string id, int dataSize) = clients[i];
            RoundReply reply = await coordinator.UpdateModelAsync(new ClientUpdate(id, iteration, Trained(global[id], i, iteration), dataSize, loss: i + 1), CancellationToken.None);
            Assert.Equal(RoundRetcode.Succeed, reply.Code);
        }

        // The update that completes the iteration is acknowledged before aggregation, which runs in the background.
        await coordinator.WhenIdleAsync();
    }

    [Fact]
    public async Task EndToEnd_ThreeClientsThreeIterations_PublishesExactFedAvg()
    {
        RoundCoordinator coordinator = Create(Options(threshold: 3, iterations: 3));
        (string Id, int DataSize)[] clients = [("a", 1), ("b", 3), ("c", 4)];
        await coordinator.InitializeAsync(Models.Create(0.5f, -1, 2, 0, 3, -0.25f), CancellationToken.None);
        float[] expected = Models.Flatten((await _models.GetCurrentAsync(CancellationToken.None))!.Parameters);

        for (int iteration = 1; iteration <= 3; iteration++)
        {
            ModelParameters global = Models.Create(expected);
            double[] sum = new double[expected.Length];
            for (int i = 0; i < clients.Length; i++)
            {
                float[] update = Models.Flatten(Trained(global, i, iteration));
                for (int j = 0; j < sum.Length; j++)
                {
                    sum[j] += clients[i].DataSize * (double)update[j];
                }
            }

            expected = [.. sum.Select(s => (float)(s / 8))];
            await RunIterationAsync(coordinator, iteration, clients);

            PublishedModel published = (await _models.GetCurrentAsync(CancellationToken.None))!;
            Assert.Equal(iteration, published.Iteration);
            Assert.Equal(expected, Models.Flatten(published.Parameters));
            RoundReply result = await coordinator.GetResultAsync("a", iteration, CancellationToken.None);
            Assert.True(result.Outcome!.Valid);
        }

        RoundState final = await coordinator.GetStateAsync(CancellationToken.None);
        StartFlJobResult late = await coordinator.StartFlJobAsync("a", 1, CancellationToken.None);
        GetModelResult model = await coordinator.GetModelAsync("a", 3, CancellationToken.None);
        Assert.Equal(InstanceStatus.Finished, final.Status);
        Assert.Equal(RoundRetcode.RequestError, late.Reply.Code);
        Assert.Equal(RoundRetcode.Succeed, model.Reply.Code);
        Assert.Equal(3, model.Model!.Iteration);
    }

    [Fact]
    public async Task UpdateModelAsync_ManyConcurrentClients_LosesNothingAndRefusesExtras()
    {
        const int participants = 64;
        RoundCoordinator coordinator = Create(Options(threshold: participants, iterations: 2));
        await coordinator.InitializeAsync(Models.Filled(0), CancellationToken.None);

        (int Device, RoundRetcode Code)[] answers = await Task.WhenAll(Enumerable.Range(0, participants + 16).Select(i => Task.Run(async () =>
        {
            string id = $"device-{i}";
            StartFlJobResult joined = await coordinator.StartFlJobAsync(id, 1 + (i % 5), CancellationToken.None);
            if (joined.Reply.Code != RoundRetcode.Succeed)
            {
                return (i, joined.Reply.Code);
            }

            RoundReply reply = await coordinator.UpdateModelAsync(new ClientUpdate(id, 1, Models.Filled(i % 8), 1 + (i % 5)), CancellationToken.None);
            return (i, reply.Code);
        })));

        // Which 64 of the 80 devices got in is up to the scheduler; the model must be exactly their weighted mean.
        int[] winners = [.. answers.Where(a => a.Code == RoundRetcode.Succeed).Select(a => a.Device)];
        long weightedSum = winners.Sum(i => (long)(i % 8) * (1 + (i % 5)));
        long totalWeight = winners.Sum(i => 1L + (i % 5));
        RoundState state = await coordinator.GetStateAsync(CancellationToken.None);
        PublishedModel published = (await _models.GetCurrentAsync(CancellationToken.None))!;
        IterationOutcome outcome = state.FindOutcome(1)!;
        Assert.Equal(participants, winners.Length);
        Assert.Equal(16, answers.Count(a => a.Code == RoundRetcode.OutOfTime));
        Assert.True(outcome.Valid, outcome.Reason);
        Assert.Equal(participants, outcome.Participants);
        Assert.Equal(1, published.Iteration);
        Assert.All(Models.Flatten(published.Parameters), v => Assert.Equal((float)weightedSum / totalWeight, v));
    }

    [Fact]
    public async Task UpdateModelAsync_ConcurrentParticipants_ModelIsTheirExactWeightedMean()
    {
        const int participants = 48;
        RoundCoordinator coordinator = Create(Options(threshold: participants, iterations: 2));
        await coordinator.InitializeAsync(Models.Filled(0), CancellationToken.None);

        await Task.WhenAll(Enumerable.Range(0, participants).Select(i => Task.Run(async () =>
        {
            string id = $"device-{i}";
            Assert.Equal(RoundRetcode.Succeed, (await coordinator.StartFlJobAsync(id, 1 + (i % 5), CancellationToken.None)).Reply.Code);
            Assert.Equal(RoundRetcode.Succeed, (await coordinator.UpdateModelAsync(new ClientUpdate(id, 1, Models.Filled(i % 8), 1 + (i % 5)), CancellationToken.None)).Code);
        })));

        await coordinator.WhenIdleAsync();
        long weightedSum = Enumerable.Range(0, participants).Sum(i => (long)(i % 8) * (1 + (i % 5)));
        long totalWeight = Enumerable.Range(0, participants).Sum(i => 1L + (i % 5));
        PublishedModel published = (await _models.GetCurrentAsync(CancellationToken.None))!;
        Assert.Equal(1, published.Iteration);
        Assert.All(Models.Flatten(published.Parameters), v => Assert.Equal((float)weightedSum / totalWeight, v));
    }

    [Fact]
    public async Task Timer_UpdateWindowExpiresBelowThreshold_IterationFailsAndKeepsModel()
    {
        RoundCoordinator coordinator = Create(Options(threshold: 2), metrics: true);
        await coordinator.InitializeAsync(Models.Filled(1), CancellationToken.None);
        await coordinator.StartFlJobAsync("a", 5, CancellationToken.None);
        await coordinator.StartFlJobAsync("b", 5, CancellationToken.None);
        await coordinator.UpdateModelAsync(new ClientUpdate("a", 1, Models.Filled(9), 5, loss: 0.5f), CancellationToken.None);

        _time.Advance(s_updateWindow);
        await coordinator.WhenIdleAsync();

        RoundState state = await coordinator.GetStateAsync(CancellationToken.None);
        PublishedModel model = (await _models.GetCurrentAsync(CancellationToken.None))!;
        RoundReply result = await coordinator.GetResultAsync("a", 1, CancellationToken.None);
        RoundReply late = await coordinator.UpdateModelAsync(new ClientUpdate("b", 1, Models.Filled(9), 5), CancellationToken.None);
        Assert.Null(coordinator.LastTimerFault);
        Assert.Equal(2, state.Iteration);
        Assert.Equal(0, model.Iteration);
        Assert.Equal(Models.Flatten(Models.Filled(1)), Models.Flatten(model.Parameters));
        Assert.False(result.Outcome!.Valid);
        Assert.Contains("updateModel window", result.Reason, StringComparison.Ordinal);
        Assert.Equal(RoundRetcode.OutOfTime, late.Code);
        Assert.Null(await _updates.ReadAsync(1, CancellationToken.None));
        using JsonDocument metrics = JsonDocument.Parse(Assert.Single(File.ReadAllLines(MetricsPath)));
        Assert.False(metrics.RootElement.GetProperty("valid").GetBoolean());
        Assert.Equal(1, metrics.RootElement.GetProperty("participants").GetInt32());
        Assert.Equal(0.5, metrics.RootElement.GetProperty("loss").GetDouble());
        Assert.Single(File.ReadAllLines(EventsPath));
    }

    [Fact]
    public async Task Timer_NoArrivals_EachIterationTimesOutUntilFinished()
    {
        RoundCoordinator coordinator = Create(Options(threshold: 1, iterations: 2), metrics: true);
        await coordinator.InitializeAsync(Models.Filled(0), CancellationToken.None);

        _time.Advance(s_startWindow);
        await coordinator.WhenIdleAsync();
        RoundState afterFirst = await coordinator.GetStateAsync(CancellationToken.None);
        _time.Advance(s_startWindow);
        await coordinator.WhenIdleAsync();
        RoundState afterSecond = await coordinator.GetStateAsync(CancellationToken.None);

        Assert.Equal(2, afterFirst.Iteration);
        Assert.Equal(InstanceStatus.Running, afterFirst.Status);
        Assert.Equal(InstanceStatus.Finished, afterSecond.Status);
        Assert.Equal(2, File.ReadAllLines(MetricsPath).Length);
    }

    [Fact]
    public async Task UpdateModelAsync_LayoutDiffersFromGlobalModel_RequestErrorAndNothingCounted()
    {
        RoundCoordinator coordinator = Create(Options(threshold: 1));
        await coordinator.InitializeAsync(Models.Filled(0), CancellationToken.None);
        await coordinator.StartFlJobAsync("a", 1, CancellationToken.None);
        var wrong = new ModelParameters([new ParameterTensor("fc.weight", [4], [1, 2, 3, 4])]);

        RoundReply reply = await coordinator.UpdateModelAsync(new ClientUpdate("a", 1, wrong, 1), CancellationToken.None);

        Assert.Equal(RoundRetcode.RequestError, reply.Code);
        Assert.Contains("'a'", reply.Reason, StringComparison.Ordinal);
        Assert.Equal(0, (await coordinator.GetStateAsync(CancellationToken.None)).UpdatesAccepted);
    }

    [Fact]
    public async Task UpdateModelAsync_NaNInUpdate_RequestErrorNamingTensor()
    {
        RoundCoordinator coordinator = Create(Options(threshold: 1));
        await coordinator.InitializeAsync(Models.Filled(0), CancellationToken.None);
        await coordinator.StartFlJobAsync("a", 1, CancellationToken.None);

        RoundReply reply = await coordinator.UpdateModelAsync(new ClientUpdate("a", 1, Models.Create(0, 0, 0, 0, float.NaN, 0), 1), CancellationToken.None);

        Assert.Equal(RoundRetcode.RequestError, reply.Code);
        Assert.Contains("'fc.bias'", reply.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EndToEnd_ValidIterations_MetricsCarryWeightedLossAndBytes()
    {
        RoundCoordinator coordinator = Create(Options(threshold: 2, iterations: 3), metrics: true);
        await coordinator.InitializeAsync(Models.Filled(0), CancellationToken.None);

        await RunIterationAsync(coordinator, 1, [("a", 1), ("b", 3)]);

        using JsonDocument line = JsonDocument.Parse(Assert.Single(File.ReadAllLines(MetricsPath)));
        JsonElement root = line.RootElement;
        Assert.True(root.GetProperty("valid").GetBoolean());
        Assert.Equal(((1 * 1.0) + (3 * 2.0)) / 4, root.GetProperty("loss").GetDouble(), 12);
        Assert.Equal(2, root.GetProperty("participants").GetInt32());
        Assert.Equal(2 * 6 * sizeof(float), root.GetProperty("bytes_in").GetInt64());
        Assert.Equal(2 * 6 * sizeof(float), root.GetProperty("bytes_out").GetInt64());
        Assert.False(File.Exists(EventsPath));
    }

    [Fact]
    public async Task EndToEnd_UpdatesAfterDifferentDelays_MetricsCountThemInCumulativeParticipationLevels()
    {
        RoundOptions options = Options(threshold: 3, iterations: 2);
        options.UpdateModelTimeWindow = TimeSpan.FromHours(1);
        options.GlobalIterationTimeWindow = TimeSpan.FromHours(2);
        options.ParticipationTimeLevel1 = TimeSpan.FromMinutes(5);
        options.ParticipationTimeLevel2 = TimeSpan.FromMinutes(15);
        RoundCoordinator coordinator = Create(options, metrics: true);
        await coordinator.InitializeAsync(Models.Filled(0), CancellationToken.None);
        var global = new Dictionary<string, ModelParameters>();
        foreach (string id in new[] { "fast", "medium", "slow" })
        {
            global[id] = (await coordinator.StartFlJobAsync(id, 2, CancellationToken.None)).Training!.Model.Parameters;
        }

        // 1 minute, 10 minutes and 20 minutes after joining: levels <5 min, <15 min and the rest.
        int client = 0;
        foreach ((string id, TimeSpan at) in new[] { ("fast", TimeSpan.FromMinutes(1)), ("medium", TimeSpan.FromMinutes(9)), ("slow", TimeSpan.FromMinutes(10)) })
        {
            _time.Advance(at);
            RoundReply reply = await coordinator.UpdateModelAsync(new ClientUpdate(id, 1, Trained(global[id], client++, 1), 2, loss: 1), CancellationToken.None);
            Assert.Equal(RoundRetcode.Succeed, reply.Code);
        }

        await coordinator.WhenIdleAsync();
        using JsonDocument line = JsonDocument.Parse(Assert.Single(File.ReadAllLines(MetricsPath)));
        Assert.Equal(1, line.RootElement.GetProperty("participation_time_level1").GetInt32());
        Assert.Equal(2, line.RootElement.GetProperty("participation_time_level2").GetInt32());
        Assert.Equal(3, line.RootElement.GetProperty("participation_time_level3").GetInt32());
    }

    [Fact]
    public async Task InitializeAsync_AfterValidIterations_ResumesFromNewestCheckpoint()
    {
        RoundCoordinator first = Create(Options(threshold: 1, iterations: 5), Checkpoints());
        await first.InitializeAsync(Models.Filled(0), CancellationToken.None);
        await RunIterationAsync(first, 1, [("a", 2)]);
        await RunIterationAsync(first, 2, [("a", 2)]);
        float[] modelAfterTwo = Models.Flatten((await _models.GetCurrentAsync(CancellationToken.None))!.Parameters);
        var freshModels = new InMemoryModelStore();
        RoundCoordinator restarted = Create(Options(threshold: 1, iterations: 5), Checkpoints(), rounds: new InMemoryRoundStore(), updates: new InMemoryUpdateStore(), models: freshModels);

        RoundStartup startup = await restarted.InitializeAsync(Models.Filled(0), CancellationToken.None);

        Assert.Equal(2, startup.ResumedFrom!.Iteration);
        Assert.Empty(startup.CheckpointFaults);
        Assert.Equal(3, startup.State.Iteration);
        Assert.Equal(modelAfterTwo, Models.Flatten((await freshModels.GetCurrentAsync(CancellationToken.None))!.Parameters));
    }

    [Fact]
    public async Task GetResultAsync_OfTheCheckpointIterationAfterRestart_ReportsItValid()
    {
        // A device that uploaded in iteration 2 and asks for its result after the server was restarted from the
        // checkpoint of iteration 2 learns that it was valid, instead of a RequestError that would stop it.
        CheckpointStore checkpoints = Checkpoints();
        checkpoints.Write(2, Models.Filled(2));
        RoundCoordinator restarted = Create(Options(threshold: 1, iterations: 5), checkpoints);
        await restarted.InitializeAsync(Models.Filled(0), CancellationToken.None);

        RoundReply result = await restarted.GetResultAsync("a", 2, CancellationToken.None);
        RoundReply older = await restarted.GetResultAsync("a", 1, CancellationToken.None);

        Assert.Equal(RoundRetcode.Succeed, result.Code);
        Assert.True(result.Outcome!.Valid);
        Assert.Contains("iteration-2", result.Reason, StringComparison.Ordinal);
        Assert.Equal(RoundRetcode.RequestError, older.Code);
    }

    [Fact]
    public async Task InitializeAsync_NewestCheckpointCorrupt_ReportsItAndResumesFromPrevious()
    {
        CheckpointStore checkpoints = Checkpoints();
        checkpoints.Write(1, Models.Filled(1));
        string newest = checkpoints.Write(2, Models.Filled(2));
        File.WriteAllBytes(newest, File.ReadAllBytes(newest)[..40]);
        RoundCoordinator coordinator = Create(Options(threshold: 1, iterations: 5), checkpoints);

        RoundStartup startup = await coordinator.InitializeAsync(Models.Filled(0), CancellationToken.None);

        Assert.Equal(1, startup.ResumedFrom!.Iteration);
        Assert.Equal(newest, Assert.Single(startup.CheckpointFaults).Path);
        Assert.Equal(2, startup.State.Iteration);
    }

    [Fact]
    public async Task InitializeAsync_CheckpointOfLastIteration_StartsFinished()
    {
        CheckpointStore checkpoints = Checkpoints();
        checkpoints.Write(3, Models.Filled(3));
        RoundCoordinator coordinator = Create(Options(threshold: 1, iterations: 3), checkpoints);

        RoundStartup startup = await coordinator.InitializeAsync(Models.Filled(0), CancellationToken.None);
        GetModelResult model = await coordinator.GetModelAsync("a", 3, CancellationToken.None);

        Assert.Equal(InstanceStatus.Finished, startup.State.Status);
        Assert.Equal(3, model.Model!.Iteration);
    }

    [Fact]
    public async Task InitializeAsync_ModelStoreHoldsNewerModel_ContinuesAfterIt()
    {
        await _models.TryPublishAsync(new PublishedModel(4, Models.Filled(4)), CancellationToken.None);
        RoundCoordinator coordinator = Create(Options(threshold: 1, iterations: 10));

        RoundStartup startup = await coordinator.InitializeAsync(Models.Filled(0), CancellationToken.None);

        Assert.Equal(5, startup.State.Iteration);
        Assert.Equal(4, startup.State.ModelIteration);
    }

    [Fact]
    public async Task InitializeAsync_SecondServerOnSameStores_JoinsRunningInstance()
    {
        RoundCoordinator first = Create(Options(threshold: 2));
        RoundCoordinator second = Create(Options(threshold: 2));
        await first.InitializeAsync(Models.Filled(0), CancellationToken.None);

        RoundStartup startup = await second.InitializeAsync(Models.Filled(0), CancellationToken.None);
        StartFlJobResult a = await first.StartFlJobAsync("a", 1, CancellationToken.None);
        StartFlJobResult b = await second.StartFlJobAsync("b", 1, CancellationToken.None);
        RoundReply updateA = await second.UpdateModelAsync(new ClientUpdate("a", 1, Models.Filled(2), 1), CancellationToken.None);
        RoundReply updateB = await first.UpdateModelAsync(new ClientUpdate("b", 1, Models.Filled(4), 1), CancellationToken.None);
        await first.WhenIdleAsync();
        await second.WhenIdleAsync();

        Assert.True(startup.JoinedExisting);
        Assert.Equal(RoundRetcode.Succeed, a.Reply.Code);
        Assert.Equal(RoundRetcode.Succeed, b.Reply.Code);
        Assert.Equal(RoundRetcode.Succeed, updateA.Code);
        Assert.Equal(RoundRetcode.Succeed, updateB.Code);
        Assert.Equal(Models.Flatten(Models.Filled(3)), Models.Flatten((await _models.GetCurrentAsync(CancellationToken.None))!.Parameters));
    }

    [Fact]
    public async Task UpdateModelAsync_UpdateStoreFails_SystemErrorThenResendSucceeds()
    {
        RoundCoordinator coordinator = Create(Options(threshold: 1), updates: new FlakyUpdateStore(failingAdds: 1));
        await coordinator.InitializeAsync(Models.Filled(0), CancellationToken.None);
        await coordinator.StartFlJobAsync("a", 2, CancellationToken.None);

        RoundReply failed = await coordinator.UpdateModelAsync(new ClientUpdate("a", 1, Models.Filled(5), 2), CancellationToken.None);
        RoundState afterFailure = await coordinator.GetStateAsync(CancellationToken.None);
        RoundReply resent = await coordinator.UpdateModelAsync(new ClientUpdate("a", 1, Models.Filled(5), 2), CancellationToken.None);
        await coordinator.WhenIdleAsync();

        Assert.Equal(RoundRetcode.SystemError, failed.Code);
        Assert.Contains("connection dropped", failed.Reason, StringComparison.Ordinal);
        Assert.Equal(0, afterFailure.UpdatesAccepted);
        Assert.Equal(RoundRetcode.Succeed, resent.Code);
        Assert.Equal(Models.Flatten(Models.Filled(5)), Models.Flatten((await _models.GetCurrentAsync(CancellationToken.None))!.Parameters));
    }

    [Fact]
    public async Task Aggregation_CheckpointCannotBeWritten_IterationFailsAndKeepsModel()
    {
        string blocker = Path.Combine(_root.Path, "not-a-directory");
        File.WriteAllText(blocker, "a file where the checkpoint directory should go");
        RoundCoordinator coordinator = Create(Options(threshold: 1), new CheckpointStore(blocker, "lenet", 3, _time));
        await coordinator.InitializeAsync(Models.Filled(1), CancellationToken.None);
        await coordinator.StartFlJobAsync("a", 1, CancellationToken.None);

        RoundReply update = await coordinator.UpdateModelAsync(new ClientUpdate("a", 1, Models.Filled(7), 1), CancellationToken.None);
        await coordinator.WhenIdleAsync();
        RoundReply result = await coordinator.GetResultAsync("a", 1, CancellationToken.None);

        Assert.Equal(RoundRetcode.Succeed, update.Code);
        Assert.False(result.Outcome!.Valid);
        Assert.Contains("checkpoint of iteration 1", result.Reason, StringComparison.Ordinal);
        Assert.Equal(0, (await _models.GetCurrentAsync(CancellationToken.None))!.Iteration);
    }

    [Fact]
    public async Task StartFlJobAsync_BeforeInitialize_SystemErrorNamingTheFix()
    {
        RoundCoordinator coordinator = Create(Options(threshold: 1));

        StartFlJobResult result = await coordinator.StartFlJobAsync("a", 1, CancellationToken.None);

        Assert.Equal(RoundRetcode.SystemError, result.Reply.Code);
        Assert.Contains("InitializeAsync", result.Reply.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EndToEnd_RandomSampling_DrawnClientsTrainOthersWait()
    {
        RoundOptions options = Options(threshold: 2);
        options.ClientSampling = ClientSampling.Random;
        options.SamplingSeed = 11;
        RoundCoordinator coordinator = Create(options);
        await coordinator.InitializeAsync(Models.Filled(0), CancellationToken.None);
        string[] devices = ["d1", "d2", "d3", "d4", "d5"];
        foreach (string device in devices)
        {
            Assert.Equal(RoundRetcode.NotReady, (await coordinator.StartFlJobAsync(device, 1, CancellationToken.None)).Reply.Code);
        }

        _time.Advance(s_startWindow);
        await coordinator.WhenIdleAsync();
        var answers = new Dictionary<string, RoundRetcode>();
        foreach (string device in devices)
        {
            answers[device] = (await coordinator.StartFlJobAsync(device, 1, CancellationToken.None)).Reply.Code;
        }

        string[] drawn = [.. answers.Where(a => a.Value == RoundRetcode.Succeed).Select(a => a.Key)];
        Assert.Equal(2, drawn.Length);
        Assert.Equal(3, answers.Count(a => a.Value == RoundRetcode.OutOfTime));
        foreach (string device in drawn)
        {
            Assert.Equal(RoundRetcode.Succeed, (await coordinator.UpdateModelAsync(new ClientUpdate(device, 1, Models.Filled(1), 1), CancellationToken.None)).Code);
        }

        await coordinator.WhenIdleAsync();
        Assert.Equal(1, (await _models.GetCurrentAsync(CancellationToken.None))!.Iteration);
    }
}
