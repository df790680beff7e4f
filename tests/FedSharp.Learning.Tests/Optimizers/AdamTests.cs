using FedSharp.Learning.Layers;
using FedSharp.Learning.Optimizers;

namespace FedSharp.Learning.Tests.Optimizers;

public sealed class AdamTests
{
    [Fact]
    public void Step_ConstantGradient_MovesByLearningRateEachStep()
    {
        // With a constant gradient the bias-corrected moments are m̂ = g and v̂ = g², so each step is lr·g/|g| = 0.1.
        Parameter p = SgdTests.Scalar(1f);
        var adam = new Adam([p], new AdamOptions { LearningRate = 0.1f });

        float[] trajectory = SgdTests.Run(adam, p, 3, _ => 0.5f);

        Assert.Equal(0.9f, trajectory[0], 5);
        Assert.Equal(0.8f, trajectory[1], 5);
        Assert.Equal(0.7f, trajectory[2], 5);
    }

    [Fact]
    public void Step_VaryingGradientWithWeightDecay_MatchesReferenceRecurrence()
    {
        const int Length = 19;
        var p = new Parameter("w", Length);
        for (int i = 0; i < Length; i++)
        {
            p.Value.Span[i] = 0.1f * i - 1f;
        }

        var options = new AdamOptions { LearningRate = 0.01f, Beta1 = 0.8f, Beta2 = 0.95f, Epsilon = 1e-6f, WeightDecay = 0.1f };
        var adam = new Adam([p], options);
        double[] theta = p.Value.ReadOnlySpan.ToArray().Select(v => (double)v).ToArray();
        double[] m = new double[Length], v = new double[Length];

        for (int step = 1; step <= 4; step++)
        {
            for (int i = 0; i < Length; i++)
            {
                p.Gradient.Span[i] = MathF.Sin(i + step);
            }

            adam.Step();

            // torch.optim.Adam, in float64: g = ∇ + λθ; m, v moving averages; θ −= lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε).
            for (int i = 0; i < Length; i++)
            {
                double g = MathF.Sin(i + step) + 0.1 * theta[i];
                m[i] = 0.8 * m[i] + 0.2 * g;
                v[i] = 0.95 * v[i] + 0.05 * g * g;
                double denominator = Math.Sqrt(v[i]) / Math.Sqrt(1 - Math.Pow(0.95, step)) + 1e-6;
                theta[i] -= 0.01 / (1 - Math.Pow(0.8, step)) * m[i] / denominator;
                Assert.Equal(theta[i], p.Value.Span[i], 5);
            }
        }

        Assert.Equal(4, adam.StepCount);
    }

    [Fact]
    public void Validate_BetaOne_ThrowsNamingOption()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([], new AdamOptions { Beta2 = 1f }));

        Assert.Equal("Beta2", error.ParamName);
    }
}
