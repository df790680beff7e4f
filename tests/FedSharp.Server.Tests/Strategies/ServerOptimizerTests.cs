using FedSharp.Core.Models;
using FedSharp.Server.Stores;
using FedSharp.Server.Strategies;

namespace FedSharp.Server.Tests.Strategies;

/// <summary>
/// FedAvgM, FedAdam, FedYogi and FedAdagrad against values computed by hand (in double precision) on a two-value model
/// over two iterations, so the momentum and moments carry over.
/// </summary>
/// <remarks>
/// Iteration 1: global x₀ = [1, −1]; three clients with data sizes 1, 2, 1 upload [2, −1], [1.5, −1.5], [1, −1], so
/// the weighted sum is [6, −5], the mean [1.5, −1.25] and Δ₁ = [0.5, −0.25]. Iteration 2: the clients' mean is
/// x₁ + Δ₂ with Δ₂ = [−0.25, 0.5].
/// </remarks>
public sealed class ServerOptimizerTests
{
    private const double Tolerance = 2e-6;
    private static readonly float[] s_delta2 = [-0.25f, 0.5f];

    [Fact]
    public void FedAvgM_TwoIterations_MatchesHandComputation()
    {
        // m₁ = Δ₁ = [0.5, −0.25]; x₁ = x₀ + 0.5·m₁ = [1.25, −1.125].
        // m₂ = 0.9·m₁ + Δ₂ = [0.2, 0.275]; x₂ = x₁ + 0.5·m₂ = [1.35, −0.9875].
        var strategy = new FedAvgM(new FedAvg(), new ServerOptimizerOptions { LearningRate = 0.5, Momentum = 0.9 });

        (float[] first, float[] second) = RunTwoIterations(strategy);

        AssertClose([1.25, -1.125], first);
        AssertClose([1.35, -0.9875], second);
        AssertClose([0.2, 0.275], Flatten(strategy.ExportState(2)!));
    }

    [Fact]
    public void FedAvgM_NoMomentumUnitRate_IsTheMean()
    {
        var strategy = new FedAvgM(new FedAvg(), new ServerOptimizerOptions { LearningRate = 1, Momentum = 0 });

        (float[] first, _) = RunTwoIterations(strategy);

        AssertClose([1.5, -1.25], first);
    }

    [Fact]
    public void FedAdam_TwoIterations_MatchesHandComputation()
    {
        // η = 0.1, β₁ = 0.9, β₂ = 0.99, τ = 0.01, v₀ = τ² = 1e-4.
        // m₁ = 0.1·Δ₁ = [0.05, −0.025]; v₁ = 0.99·1e-4 + 0.01·Δ₁² = [0.002599, 0.000724];
        // x₁ = x₀ + 0.1·m₁/(√v₁ + 0.01) = [1.08199357, −1.06773737].
        // m₂ = 0.9·m₁ + 0.1·Δ₂ = [0.02, 0.0275]; v₂ = 0.99·v₁ + 0.01·Δ₂² = [0.00319801, 0.00321676];
        // x₂ = x₁ + 0.1·m₂/(√v₂ + 0.01) = [1.11204574, −1.02651818].
        var strategy = new FedAdam(new FedAvg(), Adaptive());

        (float[] first, float[] second) = RunTwoIterations(strategy);

        AssertClose([1.08199357, -1.06773737], first);
        AssertClose([1.11204574, -1.02651818], second);
        AssertClose([0.02, 0.0275, 0.00319801, 0.00321676], Flatten(strategy.ExportState(2)!));
    }

    [Fact]
    public void FedYogi_TwoIterations_MatchesHandComputation()
    {
        // v₁ = v₀ − 0.01·Δ₁²·sign(v₀ − Δ₁²) = 1e-4 + 0.01·[0.25, 0.0625] = [0.0026, 0.000725];
        // x₁ = [1.08198039, −1.0677033]. v₂ = v₁ + 0.01·Δ₂² (Δ₂² > v₁) = [0.003225, 0.003225]; x₂ = [1.1119254, −1.0265289].
        var strategy = new FedYogi(new FedAvg(), Adaptive());

        (float[] first, float[] second) = RunTwoIterations(strategy);

        AssertClose([1.08198039, -1.0677033], first);
        AssertClose([1.1119254, -1.0265289], second);
        AssertClose([0.02, 0.0275, 0.003225, 0.003225], Flatten(strategy.ExportState(2)!));
    }

    [Fact]
    public void FedYogi_SecondMomentAboveSquare_ShrinksAdditively()
    {
        // τ = 1 so v₀ = 1 > Δ₁² = 0.25: v₁ = 1 − 0.01·0.25 = 0.9975 (Adam would give 0.99·1 + 0.0025 = 0.9925).
        var strategy = new FedYogi(new FedAvg(), new ServerOptimizerOptions { LearningRate = 0.1, Beta1 = 0.9, Beta2 = 0.99, Tau = 1 });

        _ = strategy.AggregateTraining(Aggregate(1, [6f, -5f], 4), Global(0, [1f, -1f]));

        AssertClose([0.05, -0.025, 0.9975, 1 - (0.01 * 0.0625)], Flatten(strategy.ExportState(1)!));
    }

    [Fact]
    public void FedAdagrad_TwoIterations_MatchesHandComputation()
    {
        // v₁ = 1e-4 + Δ₁² = [0.2501, 0.0626]; x₁ = x₀ + 0.1·m₁/(√v₁ + 0.01) = [1.009802, −1.009608].
        // v₂ = v₁ + Δ₂² = [0.3126, 0.3126]; x₂ = [1.01331628, −1.00477586].
        var strategy = new FedAdagrad(new FedAvg(), Adaptive());

        (float[] first, float[] second) = RunTwoIterations(strategy);

        AssertClose([1.009802, -1.009608], first);
        AssertClose([1.01331628, -1.00477586], second);
        AssertClose([0.02, 0.0275, 0.3126, 0.3126], Flatten(strategy.ExportState(2)!));
    }

    [Fact]
    public void AggregateTraining_ResultNeverPublished_NextAggregateStartsFromTheStateOfThePublishedModel()
    {
        var strategy = new FedAdam(new FedAvg(), Adaptive());
        PublishedModel x1 = Global(1, Flatten(strategy.AggregateTraining(Aggregate(1, [6f, -5f], 4), Global(0, [1f, -1f])).Parameters!));

        // Iteration 2 aggregates but its model is never published (say the checkpoint write failed); iteration 3
        // then aggregates the same updates from x₁ again and must get what iteration 2 got.
        float[] lost = Flatten(strategy.AggregateTraining(Aggregate(2, SumFor(x1, s_delta2), 4), x1).Parameters!);
        float[] retried = Flatten(strategy.AggregateTraining(Aggregate(3, SumFor(x1, s_delta2), 4), x1).Parameters!);

        Assert.Equal(lost, retried);
        Assert.Null(strategy.ExportState(2));
        Assert.NotNull(strategy.ExportState(3));
    }

    [Fact]
    public void RestoreState_ExportedState_NextAggregateEqualsTheUninterruptedOne()
    {
        var running = new FedYogi(new FedAvg(), Adaptive());
        PublishedModel x1 = Global(1, Flatten(running.AggregateTraining(Aggregate(1, [6f, -5f], 4), Global(0, [1f, -1f])).Parameters!));
        var restarted = new FedYogi(new FedAvg(), Adaptive());

        restarted.RestoreState(x1, running.ExportState(1)!);

        Assert.Equal(
            Flatten(running.AggregateTraining(Aggregate(2, SumFor(x1, s_delta2), 4), x1).Parameters!),
            Flatten(restarted.AggregateTraining(Aggregate(2, SumFor(x1, s_delta2), 4), x1).Parameters!));
    }

    [Fact]
    public void RestoreState_StateOfAnotherOptimizer_ThrowsNamingTheKey()
    {
        var momentum = new FedAvgM(new FedAvg(), new ServerOptimizerOptions());
        _ = momentum.AggregateTraining(Aggregate(1, [6f, -5f], 4), Global(0, [1f, -1f]));
        var adam = new FedAdam(new FedAvg(), Adaptive());

        var error = Assert.Throws<InvalidOperationException>(() => adam.RestoreState(Global(1, [1f, 1f]), momentum.ExportState(1)!));

        Assert.Contains("momentum/w", error.Message, StringComparison.Ordinal);
        Assert.Contains("fedsharp.server_optimizer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AggregateTraining_InnerFails_PassesTheFailureOnWithoutTouchingState()
    {
        var strategy = new FedAdam(new FedAvg(), Adaptive());

        TrainingAggregation result = strategy.AggregateTraining(Aggregate(1, [6f, -5f], 0), Global(0, [1f, -1f]));

        Assert.False(result.Succeeded);
        Assert.Contains("total weight of 0", result.FailureReason, StringComparison.Ordinal);
        Assert.Null(strategy.ExportState(1));
    }

    [Fact]
    public void AggregateTraining_StepOverflows_FailsNamingTensorAndKey()
    {
        var strategy = new FedAvgM(new FedAvg(), new ServerOptimizerOptions { LearningRate = 1e38, Momentum = 0.5 });

        TrainingAggregation result = strategy.AggregateTraining(Aggregate(1, [4e30f, 4f], 4), Global(0, [1f, -1f]));

        Assert.False(result.Succeeded);
        Assert.Contains("'w'", result.FailureReason, StringComparison.Ordinal);
        Assert.Contains("fedsharp.server_learning_rate", result.FailureReason, StringComparison.Ordinal);
        Assert.Null(strategy.ExportState(1));
    }

    [Fact]
    public void ConfigureTraining_OverFedProx_SendsTheInnerPlan()
    {
        var strategy = new FedAdam(new FedProx(0.01), Adaptive());

        TrainingPlan plan = strategy.ConfigureTraining(1, Global(0, [1f, -1f]));

        Assert.Equal(0.01, plan.Parameters!.Scalars[StrategyFieldNames.ProximalMu]);
    }

    [Theory]
    [InlineData(0, 0.9, 0.9, 0.99, 1e-3, "LearningRate")]
    [InlineData(1, 1, 0.9, 0.99, 1e-3, "Momentum")]
    [InlineData(1, 0.9, -0.1, 0.99, 1e-3, "Beta1")]
    [InlineData(1, 0.9, 0.9, 1, 1e-3, "Beta2")]
    [InlineData(1, 0.9, 0.9, 0.99, 0, "Tau")]
    public void Constructor_OptionOutOfRange_ThrowsNamingIt(double rate, double momentum, double beta1, double beta2, double tau, string option)
    {
        var options = new ServerOptimizerOptions { LearningRate = rate, Momentum = momentum, Beta1 = beta1, Beta2 = beta2, Tau = tau };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new FedAdam(new FedAvg(), options));

        Assert.Equal(option, error.ParamName);
    }

    private static ServerOptimizerOptions Adaptive() => new() { LearningRate = 0.1, Beta1 = 0.9, Beta2 = 0.99, Tau = 0.01 };

    private static (float[] First, float[] Second) RunTwoIterations(IStrategy strategy)
    {
        TrainingAggregation first = strategy.AggregateTraining(Aggregate(1, [6f, -5f], 4), Global(0, [1f, -1f]));
        Assert.True(first.Succeeded, first.FailureReason);
        PublishedModel x1 = Global(1, Flatten(first.Parameters));
        TrainingAggregation second = strategy.AggregateTraining(Aggregate(2, SumFor(x1, s_delta2), 4), x1);
        Assert.True(second.Succeeded, second.FailureReason);
        return (x1.Parameters[0].Values, Flatten(second.Parameters));
    }

    // Weighted sum whose mean (over a total weight of 4) is global + delta.
    private static float[] SumFor(PublishedModel global, float[] delta) =>
        [.. global.Parameters[0].Values.Select((x, i) => 4 * (x + delta[i]))];

    private static IterationAggregate Aggregate(int iteration, float[] sum, long totalWeight) =>
        new(iteration, new ModelParameters([new ParameterTensor("w", [2], [.. sum])]), totalWeight, ["c1", "c2", "c3"], 0, 0, 0, 0);

    private static PublishedModel Global(int iteration, float[] values) =>
        new(iteration, new ModelParameters([new ParameterTensor("w", [2], [.. values])]));

    private static float[] Flatten(ModelParameters model) => [.. model.Tensors.SelectMany(t => t.Values)];

    private static void AssertClose(double[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance * Math.Max(1, Math.Abs(expected[i])), $"Value {i} is {actual[i]}, expected {expected[i]}.");
        }
    }
}
