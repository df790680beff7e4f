using FedSharp.Core.Models;
using FedSharp.Server.Stores;
using FedSharp.Server.Strategies;
using static FedSharp.Server.Tests.Strategies.StrategyPipeline;

namespace FedSharp.Server.Tests.Strategies;

public sealed class ScaffoldTests
{
    [Fact]
    public void ConfigureTraining_FreshServer_SendsZeroControlVariateOnePerModelTensor()
    {
        var strategy = new Scaffold(totalClients: 10);

        TrainingPlan plan = strategy.ConfigureTraining(1, new PublishedModel(0, Models.Filled(0.5f)));

        ModelParameters c = plan.Parameters!.Tensors!;
        Assert.Equal(["c/fc.weight", "c/fc.bias"], c.Tensors.Select(t => t.Name));
        Assert.Equal([2, 2], c[0].Shape.ToArray());
        Assert.All(Models.Flatten(c), v => Assert.Equal(0f, v));
        Assert.Empty(plan.Parameters.Scalars);
    }

    [Fact]
    public async Task AggregateTraining_TwoClientsTwoIterations_MatchesHandComputation()
    {
        // N = 4 clients, 2 per iteration, data sizes 2 and 4 (powers of two: Δc/n·n is exact in float32).
        var strategy = new Scaffold(totalClients: 4);
        var w0 = new PublishedModel(0, Vector(1f, 2f));

        // Iteration 1: mean = (2·[0.5, 1.5] + 4·[2, 0]) / 6 = [1.5, 0.5]; c = 0 + ([0.25, −0.5] + [0.75, 0.5]) / 4 = [0.25, 0].
        TrainingAggregation first = await AggregateAsync(strategy, w0,
            new ClientUpdate("a", 1, Vector(0.5f, 1.5f), 2, strategy: Tensors("delta_c", 0.25f, -0.5f)),
            new ClientUpdate("b", 1, Vector(2f, 0f), 4, strategy: Tensors("delta_c", 0.75f, 0.5f)));
        Assert.Equal([1.5f, 0.5f], Models.Flatten(first.Parameters!));
        var w1 = new PublishedModel(1, first.Parameters!);
        Assert.Equal([0.25f, 0f], Models.Flatten(strategy.ConfigureTraining(2, w1).Parameters!.Tensors!));

        // Iteration 2: mean = (2·[1, 1] + 4·[2, 0.5]) / 6 = [10/6, 4/6]; c = [0.25, 0] + ([−0.5, 1] + [0.5, 1]) / 4 = [0.25, 0.5].
        TrainingAggregation second = await AggregateAsync(strategy, w1,
            new ClientUpdate("a", 2, Vector(1f, 1f), 2, strategy: Tensors("delta_c", -0.5f, 1f)),
            new ClientUpdate("b", 2, Vector(2f, 0.5f), 4, strategy: Tensors("delta_c", 0.5f, 1f)));
        Assert.Equal([10f / 6f, 4f / 6f], Models.Flatten(second.Parameters!));
        var w2 = new PublishedModel(2, second.Parameters!);
        Assert.Equal([0.25f, 0.5f], Models.Flatten(strategy.ConfigureTraining(3, w2).Parameters!.Tensors!));
        Assert.Equal([0.25f, 0.5f], Models.Flatten(strategy.ExportState(2)!));
        Assert.Equal(["c/w"], strategy.ExportState(2)!.Tensors.Select(t => t.Name));
    }

    [Fact]
    public async Task AggregateTraining_WeightsAsFedAvg_BitForBit()
    {
        ModelParameters a = Models.Create(0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f);
        ModelParameters b = Models.Create(1.7f, -0.2f, 3.1f, 0.9f, -0.5f, 0.01f);
        var global = new PublishedModel(0, Models.Filled(0));
        var strategy = new Scaffold(3);
        var delta = new StrategyParameters(
            new Dictionary<string, double>(),
            new ModelParameters(global.Parameters.Tensors.Select(t => new ParameterTensor($"delta_c/{t.Name}", [.. t.Shape], new float[t.Length]))));

        TrainingAggregation scaffold = await AggregateAsync(strategy, global,
            new ClientUpdate("a", 1, a.Clone(), 3, strategy: delta), new ClientUpdate("b", 1, b.Clone(), 11, strategy: delta));
        TrainingAggregation fedAvg = await AggregateAsync(new FedAvg(), global, new ClientUpdate("a", 1, a.Clone(), 3), new ClientUpdate("b", 1, b.Clone(), 11));

        Assert.Equal(Models.Flatten(fedAvg.Parameters!), Models.Flatten(scaffold.Parameters!));
    }

    [Fact]
    public async Task RestoreState_ExportedControlVariate_NextPlanCarriesIt()
    {
        var before = new Scaffold(2);
        var w0 = new PublishedModel(0, Vector(0f, 0f));
        TrainingAggregation first = await AggregateAsync(before, w0, new ClientUpdate("a", 1, Vector(1f, 1f), 1, strategy: Tensors("delta_c", 1f, -3f)));
        ModelParameters state = before.ExportState(1)!;

        var after = new Scaffold(2);
        after.RestoreState(new PublishedModel(1, first.Parameters!), state);

        Assert.Equal([0.5f, -1.5f], Models.Flatten(after.ConfigureTraining(2, new PublishedModel(1, first.Parameters!)).Parameters!.Tensors!));
        var other = Assert.Throws<InvalidOperationException>(() => after.RestoreState(new PublishedModel(1, first.Parameters!), Vector(1f, 1f)));
        Assert.Contains("fedsharp.checkpoint_dir", other.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AggregateTraining_FailedIteration_KeepsTheControlVariateOfTheModel()
    {
        var strategy = new Scaffold(2);
        var w0 = new PublishedModel(0, Vector(0f, 0f));
        await AggregateAsync(strategy, w0, new ClientUpdate("a", 1, Vector(1f, 1f), 1, strategy: Tensors("delta_c", 1f, 1f)));

        // The model of iteration 1 was never published: iteration 2 trains from model 0 again, with c of model 0.
        Assert.Equal([0f, 0f], Models.Flatten(strategy.ConfigureTraining(2, w0).Parameters!.Tensors!));
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("shape")]
    [InlineData("scalar")]
    public void CheckReportedFields_WrongFields_RefusedNamingTheField(string fault)
    {
        var strategy = new Scaffold(2);
        ModelParameters layout = Vector(0f, 0f);
        StrategyParameters fields = fault switch
        {
            "missing" => StrategyParameters.None,
            "shape" => Tensors("delta_c", 1f, 2f, 3f),
            _ => new StrategyParameters(new Dictionary<string, double> { ["local_steps"] = 3 }, Tensors("delta_c", 1f, 2f).Tensors),
        };

        string? problem = strategy.CheckReportedFields(new ClientUpdate("a", 1, layout, 1, strategy: fields), layout);

        Assert.NotNull(problem);
        Assert.Contains(fault == "scalar" ? "'local_steps'" : "delta_c", problem, StringComparison.Ordinal);
        Assert.Null(strategy.CheckReportedFields(new ClientUpdate("a", 1, layout, 1, strategy: Tensors("delta_c", 1f, 2f)), layout));
    }

    [Fact]
    public void CheckReportedFields_FedAvgGivenFields_RefusedNamingThem()
    {
        ModelParameters layout = Vector(0f, 0f);

        string? problem = ((IStrategy)new FedAvg()).CheckReportedFields(new ClientUpdate("a", 1, layout, 1, strategy: Tensors("delta_c", 1f, 2f)), layout);

        Assert.Contains("delta_c/w", problem, StringComparison.Ordinal);
        Assert.Contains("FedAvg", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NoClients_ThrowsNamingTheKey()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Scaffold(0));

        Assert.Contains("aggregation.total_client_num", error.Message, StringComparison.Ordinal);
    }
}
