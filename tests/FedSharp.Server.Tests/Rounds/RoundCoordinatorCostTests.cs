using FedSharp.Core.Models;
using FedSharp.Server.Rounds;
using FedSharp.Server.Stores;
using FedSharp.Server.Strategies;
using FedSharp.Testing;

namespace FedSharp.Server.Tests.Rounds;

/// <summary>What one request costs the stores, and what runs inside it and what after it.</summary>
public sealed class RoundCoordinatorCostTests : IDisposable
{
    private readonly ManualTimeProvider _time = new();
    private readonly InMemoryModelStore _models = new();
    private readonly List<RoundCoordinator> _coordinators = [];

    public void Dispose()
    {
        foreach (RoundCoordinator coordinator in _coordinators)
        {
            coordinator.Dispose();
        }
    }

    private static RoundOptions Options(int threshold) => new()
    {
        StartFlJobThreshold = threshold,
        StartFlJobTimeWindow = TimeSpan.FromSeconds(10),
        UpdateModelTimeWindow = TimeSpan.FromSeconds(20),
        GlobalIterationTimeWindow = TimeSpan.FromMinutes(5),
        FlIterationNum = 3,
    };

    private RoundCoordinator Create(RoundOptions options, IRoundStore rounds, IUpdateStore? updates = null, IStrategy? strategy = null)
    {
        var coordinator = new RoundCoordinator(options, rounds, updates ?? new InMemoryUpdateStore(), _models, strategy ?? new FedAvg(), _time);
        _coordinators.Add(coordinator);
        return coordinator;
    }

    [Fact]
    public async Task UpdateModel_CommonCase_OneReadAndOneCompareAndSetWritingOneRegistration()
    {
        var rounds = new CountingRoundStore();
        RoundCoordinator coordinator = Create(Options(threshold: 50), rounds);
        await coordinator.InitializeAsync(Models.Filled(0), CancellationToken.None);
        for (int i = 0; i < 50; i++)
        {
            await coordinator.StartFlJobAsync($"device-{i}", 1, CancellationToken.None);
        }

        rounds.Reset();
        RoundReply reply = await coordinator.UpdateModelAsync(new ClientUpdate("device-7", 1, Models.Filled(1), 1), CancellationToken.None);

        Assert.Equal(RoundRetcode.Succeed, reply.Code);
        Assert.Equal(1, rounds.SnapshotReads);
        Assert.Equal(0, rounds.StateReads);
        Assert.Equal(0, rounds.RegistrationScans);
        Assert.Equal(1, rounds.CompareAndSets);
        // Fifty clients are registered, but the write carries only the uploader's registration.
        Assert.Equal(1, rounds.RegistrationsWritten);
    }

    [Fact]
    public async Task StartFlJob_ManyRegistered_EachJoinWritesOnlyItsOwnRegistration()
    {
        var rounds = new CountingRoundStore();
        RoundCoordinator coordinator = Create(Options(threshold: 200), rounds);
        await coordinator.InitializeAsync(Models.Filled(0), CancellationToken.None);
        for (int i = 0; i < 199; i++)
        {
            await coordinator.StartFlJobAsync($"device-{i}", 1, CancellationToken.None);
        }

        rounds.Reset();
        StartFlJobResult joined = await coordinator.StartFlJobAsync("device-199", 1, CancellationToken.None);

        Assert.Equal(RoundRetcode.Succeed, joined.Reply.Code);
        Assert.Equal(1, rounds.CompareAndSets);
        Assert.Equal(1, rounds.RegistrationsWritten);
        Assert.Equal(200, (await coordinator.GetStateAsync(CancellationToken.None)).RegisteredCount);
    }

    [Fact]
    public async Task UpdateModel_CompletesTheIteration_AcknowledgedBeforeAggregationRuns()
    {
        var strategy = new GatedFedAvg();
        RoundCoordinator coordinator = Create(Options(threshold: 2), new InMemoryRoundStore(), strategy: strategy);
        await coordinator.InitializeAsync(Models.Filled(0), CancellationToken.None);
        await coordinator.StartFlJobAsync("a", 1, CancellationToken.None);
        await coordinator.StartFlJobAsync("b", 1, CancellationToken.None);
        await coordinator.UpdateModelAsync(new ClientUpdate("a", 1, Models.Filled(2), 1), CancellationToken.None);

        RoundReply last = await coordinator.UpdateModelAsync(new ClientUpdate("b", 1, Models.Filled(4), 1), CancellationToken.None);
        await strategy.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        RoundState whileAggregating = await coordinator.GetStateAsync(CancellationToken.None);
        int modelWhileAggregating = (await _models.GetCurrentAsync(CancellationToken.None))!.Iteration;
        strategy.Release.SetResult();
        await coordinator.WhenIdleAsync();

        // The device that completed the iteration got its answer while the aggregation was still held back.
        Assert.Equal(RoundRetcode.Succeed, last.Code);
        Assert.Equal(RoundPhase.Aggregating, whileAggregating.Phase);
        Assert.Equal(0, modelWhileAggregating);
        Assert.Equal(Models.Flatten(Models.Filled(3)), Models.Flatten((await _models.GetCurrentAsync(CancellationToken.None))!.Parameters));
        Assert.Equal(2, (await coordinator.GetStateAsync(CancellationToken.None)).Iteration);
    }

    [Fact]
    public async Task UpdateModel_IterationEndsBetweenAcceptingAndAdding_OutOfTimeAndNotInAnySum()
    {
        var updates = new HookedUpdateStore();
        RoundCoordinator coordinator = Create(Options(threshold: 2), new InMemoryRoundStore(), updates);
        await coordinator.InitializeAsync(Models.Filled(0), CancellationToken.None);
        await coordinator.StartFlJobAsync("a", 1, CancellationToken.None);
        await coordinator.StartFlJobAsync("b", 1, CancellationToken.None);
        updates.BeforeAdd = async () =>
        {
            // The updateModel window closes while the update is on its way into the sum.
            _time.Advance(TimeSpan.FromSeconds(21));
            await coordinator.CheckDeadlinesAsync(CancellationToken.None);
            await coordinator.WhenIdleAsync();
        };

        RoundReply reply = await coordinator.UpdateModelAsync(new ClientUpdate("a", 1, Models.Filled(2), 1), CancellationToken.None);

        Assert.Equal(RoundRetcode.OutOfTime, reply.Code);
        Assert.Contains("Iteration 1 ended while the update of client 'a' was being added", reply.Reason, StringComparison.Ordinal);
        Assert.Equal(2, reply.Iteration);
        Assert.Null(await updates.ReadAsync(1, CancellationToken.None));
        Assert.False((await coordinator.GetStateAsync(CancellationToken.None)).FindOutcome(1)!.Valid);
    }

    // FedAvg whose aggregation waits until the test releases it.
    private sealed class GatedFedAvg : IStrategy
    {
        private readonly FedAvg _fedAvg = new();

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TrainingPlan ConfigureTraining(int iteration, PublishedModel globalModel) => _fedAvg.ConfigureTraining(iteration, globalModel);

        public TrainingAggregation AggregateTraining(IterationAggregate aggregate, PublishedModel globalModel)
        {
            Entered.TrySetResult();
            Release.Task.Wait(TimeSpan.FromSeconds(30));
            return _fedAvg.AggregateTraining(aggregate, globalModel);
        }

        public EvaluationPlan? ConfigureEvaluation(int iteration, PublishedModel globalModel) => _fedAvg.ConfigureEvaluation(iteration, globalModel);

        public EvaluationSummary AggregateEvaluation(IterationAggregate? aggregate) => _fedAvg.AggregateEvaluation(aggregate);
    }
}
