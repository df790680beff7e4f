using FedSharp.Core.Models;
using FedSharp.Server.Stores;
using FedSharp.Server.Strategies;
using static FedSharp.Server.Tests.Strategies.StrategyPipeline;

namespace FedSharp.Server.Tests.Strategies;

public sealed class FedNovaTests
{
    [Fact]
    public void ConfigureTraining_AsksDevicesToReportTheirSteps()
    {
        TrainingPlan plan = new FedNova().ConfigureTraining(1, new PublishedModel(0, Models.Filled(0)));

        Assert.Equal(1, plan.Parameters!.Scalars[StrategyFieldNames.ReportLocalSteps]);
        Assert.Null(plan.Parameters.Tensors);
    }

    [Fact]
    public async Task AggregateTraining_TwoClientsTwoIterations_MatchesHandComputation()
    {
        var strategy = new FedNova();
        var w0 = new PublishedModel(0, Vector(1f, 2f));

        // Iteration 1, p = [2/8, 6/8]: d_a = ([1, 2] − [0, 2]) / 2 = [0.5, 0]; d_b = ([1, 2] − [1, 1]) / 4 = [0, 0.25];
        // d = [0.125, 0.1875]; τ_eff = 0.25·2 + 0.75·4 = 3.5; w = [1, 2] − 3.5·d = [0.5625, 1.34375]. FedAvg: [0.75, 1.25].
        TrainingAggregation first = await AggregateAsync(strategy, w0,
            Update("a", 1, Vector(0f, 2f), 2, steps: 2, a: 2),
            Update("b", 1, Vector(1f, 1f), 6, steps: 4, a: 4));
        Assert.Equal([0.5625f, 1.34375f], Models.Flatten(first.Parameters!));

        // Iteration 2: d_a = [0.5, 0] / 1; d_b = [0, 1] / 2; d = [0.125, 0.375]; τ_eff = 0.25·1 + 0.75·2 = 1.75;
        // w = [0.5625 − 0.21875, 1.34375 − 0.65625] = [0.34375, 0.6875].
        var w1 = new PublishedModel(1, first.Parameters!);
        TrainingAggregation second = await AggregateAsync(strategy, w1,
            Update("a", 2, Vector(0.0625f, 1.34375f), 2, steps: 1, a: 1),
            Update("b", 2, Vector(0.5625f, 0.34375f), 6, steps: 2, a: 2));
        Assert.Equal([0.34375f, 0.6875f], Models.Flatten(second.Parameters!));
    }

    [Fact]
    public async Task AggregateTraining_EqualCoefficients_IsFedAvg()
    {
        // With every aᵢ = a, w − a·Σpᵢ(w − wᵢ)/a = Σpᵢwᵢ.
        var global = new PublishedModel(0, Vector(1f, 2f));

        TrainingAggregation nova = await AggregateAsync(new FedNova(), global,
            Update("a", 1, Vector(0f, 2f), 2, steps: 4, a: 4), Update("b", 1, Vector(1f, 1f), 6, steps: 4, a: 4));

        Assert.Equal([0.75f, 1.25f], Models.Flatten(nova.Parameters!));
    }

    [Theory]
    [InlineData("missing", "normalizing_coefficient")]
    [InlineData("steps", "local_steps")]
    [InlineData("coefficient", "normalizing_coefficient")]
    [InlineData("tensor", "delta_c/w")]
    [InlineData("extra", "'proximal_mu'")]
    public void CheckReportedFields_WrongFields_RefusedNamingTheField(string fault, string named)
    {
        ModelParameters layout = Vector(0f, 0f);
        StrategyParameters fields = fault switch
        {
            "missing" => Scalars((StrategyFieldNames.LocalSteps, 2)),
            "steps" => Scalars((StrategyFieldNames.LocalSteps, 0.5), (StrategyFieldNames.NormalizingCoefficient, 1)),
            "coefficient" => Scalars((StrategyFieldNames.LocalSteps, 2), (StrategyFieldNames.NormalizingCoefficient, 0.5)),
            "tensor" => Tensors("delta_c", 1f, 1f),
            _ => Scalars((StrategyFieldNames.LocalSteps, 2), (StrategyFieldNames.NormalizingCoefficient, 2), ("proximal_mu", 0.1)),
        };

        string? problem = new FedNova().CheckReportedFields(new ClientUpdate("a", 1, layout, 1, strategy: fields), layout);

        Assert.NotNull(problem);
        Assert.Contains(named, problem, StringComparison.Ordinal);
    }

    private static ClientUpdate Update(string client, int iteration, ModelParameters weights, int dataSize, int steps, double a)
        => new(client, iteration, weights, dataSize, strategy: Scalars((StrategyFieldNames.LocalSteps, steps), (StrategyFieldNames.NormalizingCoefficient, a)));
}
