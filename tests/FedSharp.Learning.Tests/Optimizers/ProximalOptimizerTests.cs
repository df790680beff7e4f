using FedSharp.Learning.Layers;
using FedSharp.Learning.Models;
using FedSharp.Learning.Optimizers;
using FedSharp.Learning.Training;

namespace FedSharp.Learning.Tests.Optimizers;

public sealed class ProximalOptimizerTests
{
    [Fact]
    public void Step_WithSgdMomentumAndWeightDecay_FollowsTheHandComputation()
    {
        // θ₀ = [1, −2], θ_global = [0.5, 0.5], loss gradient ∇ = [0.2, −0.1] each step; μ = 0.1, η = 0.5,
        // momentum 0.9, weight decay 0.01. As NIID-Bench: g = ∇ + μ(θ − θ_global) + λθ, then PyTorch's momentum.
        // Step 1: g = [0.2 + 0.05 + 0.01, −0.1 − 0.25 − 0.02] = [0.26, −0.37]; b = g; θ₁ = θ₀ − 0.5·b = [0.87, −1.815].
        // Step 2: g = [0.2 + 0.037 + 0.0087, −0.1 − 0.2315 − 0.01815] = [0.2457, −0.34965];
        //         b = 0.9·[0.26, −0.37] + g = [0.4797, −0.68265]; θ₂ = θ₁ − 0.5·b = [0.63015, −1.473675].
        var p = new Parameter("w", 2);
        p.Value.Span[0] = 1f;
        p.Value.Span[1] = -2f;
        var sgd = new Sgd([p], new SgdOptions { LearningRate = 0.5f, Momentum = 0.9f, WeightDecay = 0.01f });
        var optimizer = new ProximalOptimizer(sgd, [p], [new float[] { 0.5f, 0.5f }], 0.1f);

        var trajectory = new List<float[]>();
        for (int step = 0; step < 2; step++)
        {
            p.Gradient.Span[0] = 0.2f;
            p.Gradient.Span[1] = -0.1f;
            optimizer.Step();
            trajectory.Add(p.Value.ReadOnlySpan.ToArray());
        }

        Assert.Equal(0.87f, trajectory[0][0], 5);
        Assert.Equal(-1.815f, trajectory[0][1], 5);
        Assert.Equal(0.63015f, trajectory[1][0], 5);
        Assert.Equal(-1.473675f, trajectory[1][1], 5);
    }

    [Fact]
    public void TrainBatch_TinyModelTwoSteps_DiffersFromPlainSgdByExactlyTheProximalStep()
    {
        // Both runs start at θ₀ = θ_global, so step 1 is identical (the term is 0) and both reach the same θ₁ with the
        // same loss gradient at step 2; plain SGD then gives θ₁ − η∇, FedProx θ₁ − η(∇ + μ(θ₁ − θ₀)), so
        // θ₂(prox) − θ₂(plain) = −η·μ·(θ₁ − θ₀) for every weight.
        const float Rate = 0.1f, Mu = 0.7f;
        float[] features = [0.5f, -1f, 2f, 0.25f, 1.5f, -0.5f];
        int[] labels = [2, 0];
        (Sequential plain, Sequential prox) = (TinyModel(), TinyModel());
        float[][] initial = [.. prox.Parameters.Select(p => p.Value.ReadOnlySpan.ToArray())];
        var plainTrainer = new Trainer(plain, new Sgd(plain.Parameters, new SgdOptions { LearningRate = Rate }), 2);
        var proxTrainer = new Trainer(prox, new ProximalOptimizer(new Sgd(prox.Parameters, new SgdOptions { LearningRate = Rate }), prox.Parameters, [.. initial.Select(a => new ReadOnlyMemory<float>(a))], Mu), 2);

        plainTrainer.TrainBatch(features, labels);
        proxTrainer.TrainBatch(features, labels);
        float[][] afterOne = [.. prox.Parameters.Select(p => p.Value.ReadOnlySpan.ToArray())];
        plainTrainer.TrainBatch(features, labels);
        proxTrainer.TrainBatch(features, labels);

        for (int t = 0; t < prox.Parameters.Count; t++)
        {
            Assert.Equal(plain.Parameters[t].Value.ReadOnlySpan.Length, afterOne[t].Length);
            for (int i = 0; i < afterOne[t].Length; i++)
            {
                double expected = -Rate * Mu * (afterOne[t][i] - initial[t][i]);
                double actual = prox.Parameters[t].Value.ReadOnlySpan[i] - plain.Parameters[t].Value.ReadOnlySpan[i];
                Assert.True(Math.Abs(expected - actual) < 1e-6, $"{prox.Parameters[t].Name}[{i}]: FedProx moved it by {actual} relative to SGD, expected {expected}.");
            }
        }

        Assert.Contains(prox.Parameters, p => p.Value.ReadOnlySpan.ToArray().Zip(initial[prox.Parameters.ToList().IndexOf(p)]).Any(z => z.First != z.Second));
    }

    [Fact]
    public void Constructor_AnchorOfAnotherLength_ThrowsNamingTheParameter()
    {
        var p = new Parameter("fc.bias", 3);

        var error = Assert.Throws<ArgumentException>(() => new ProximalOptimizer(new Sgd([p], new SgdOptions()), [p], [new float[2]], 0.1f));

        Assert.Contains("'fc.bias'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NegativeMu_Throws()
    {
        var p = new Parameter("w", 1);

        Assert.Throws<ArgumentOutOfRangeException>(() => new ProximalOptimizer(new Sgd([p], new SgdOptions()), [p], [new float[1]], -0.1f));
    }

    private static Sequential TinyModel() => new([3], new Linear("fc", 3, 3, new Random(4)));
}
