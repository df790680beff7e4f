using FedSharp.Learning.Layers;
using FedSharp.Learning.Optimizers;

namespace FedSharp.Learning.Tests.Optimizers;

public sealed class ScaffoldOptimizerTests
{
    [Fact]
    public void Step_PlainSgd_StepsOnTheCorrectedGradient()
    {
        // θ₀ = [1, −2], ∇ = [0.25, −0.5], c = [0.5, 0], cᵢ = [0.25, 0.5], η = 0.5:
        // θ₁ = θ₀ − η(∇ + c − cᵢ) = [1 − 0.5·0.5, −2 − 0.5·(−1)] = [0.75, −1.5].
        var p = new Parameter("w", 2);
        p.Value.Span[0] = 1f;
        p.Value.Span[1] = -2f;
        p.Gradient.Span[0] = 0.25f;
        p.Gradient.Span[1] = -0.5f;
        var optimizer = new ScaffoldOptimizer(new Sgd([p], new SgdOptions { LearningRate = 0.5f }), [p], [new float[] { 0.5f, 0f }], [new float[] { 0.25f, 0.5f }], 0.5f);

        optimizer.Step();

        Assert.Equal([0.75f, -1.5f], p.Value.ReadOnlySpan.ToArray());
    }

    [Fact]
    public void Step_WithMomentum_CorrectionBypassesTheMomentumBuffer()
    {
        // As NIID-Bench: optimizer.step() on ∇ alone, then w −= η(c − cᵢ). ∇ = [1], c − cᵢ = [0.5], η = 0.1, ρ = 0.9.
        // Step 1: b = 1; w = 0 − 0.1 − 0.05 = −0.15. Step 2: b = 0.9 + 1 = 1.9; w = −0.15 − 0.19 − 0.05 = −0.39.
        var p = new Parameter("w", 1);
        var optimizer = new ScaffoldOptimizer(new Sgd([p], new SgdOptions { LearningRate = 0.1f, Momentum = 0.9f }), [p], [new float[] { 0.75f }], [new float[] { 0.25f }], 0.1f);

        for (int step = 0; step < 2; step++)
        {
            p.Gradient.Span[0] = 1f;
            optimizer.Step();
        }

        Assert.Equal(-0.39f, p.Value.ReadOnlySpan[0], 6);
    }

    [Fact]
    public void UpdateClientControl_HandComputation()
    {
        // cᵢ⁺ = cᵢ − c + (w_global − w_local)/(K·η) with K = 4, η = 0.5: 1/(K·η) = 0.5.
        // cᵢ = [0.25, −1], c = [0.5, 0.5], w_global − w_local = [1, −2] → cᵢ⁺ = [−0.25 + 0.5, −1.5 − 1] = [0.25, −2.5];
        // Δcᵢ = cᵢ⁺ − cᵢ = [0, −1.5].
        float[] next = new float[2];
        float[] delta = new float[2];

        ScaffoldOptimizer.UpdateClientControl([0.25f, -1f], [0.5f, 0.5f], [3f, 0f], [2f, 2f], steps: 4, learningRate: 0.5f, next, delta);

        Assert.Equal([0.25f, -2.5f], next);
        Assert.Equal([0f, -1.5f], delta);
    }

    [Fact]
    public void Constructor_ControlOfAnotherLength_ThrowsNamingTheParameter()
    {
        var p = new Parameter("fc.bias", 3);

        var error = Assert.Throws<ArgumentException>(() => new ScaffoldOptimizer(new Sgd([p], new SgdOptions()), [p], [new float[2]], [new float[3]], 0.1f));

        Assert.Contains("fc.bias", error.Message, StringComparison.Ordinal);
    }
}
