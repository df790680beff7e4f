using FedSharp.Learning.Layers;
using FedSharp.Learning.Optimizers;

namespace FedSharp.Learning.Tests.Optimizers;

public sealed class SgdTests
{
    [Fact]
    public void Step_Momentum_FollowsPyTorchByHand()
    {
        // θ0 = 1, ∇ = 1, lr 0.1, μ 0.9: b1 = 1, θ1 = 0.9; b2 = 0.9·1 + 1 = 1.9, θ2 = 0.9 − 0.19 = 0.71.
        Parameter p = Scalar(1f);
        var sgd = new Sgd([p], new SgdOptions { LearningRate = 0.1f, Momentum = 0.9f });

        float[] trajectory = Run(sgd, p, 2, _ => 1f);

        Assert.Equal(0.9f, trajectory[0], 6);
        Assert.Equal(0.71f, trajectory[1], 6);
    }

    [Fact]
    public void Step_Nesterov_FollowsPyTorchByHand()
    {
        // b1 = 1, g = 1 + 0.9·1 = 1.9, θ1 = 0.81; b2 = 1.9, g = 1 + 0.9·1.9 = 2.71, θ2 = 0.539.
        Parameter p = Scalar(1f);
        var sgd = new Sgd([p], new SgdOptions { LearningRate = 0.1f, Momentum = 0.9f, Nesterov = true });

        float[] trajectory = Run(sgd, p, 2, _ => 1f);

        Assert.Equal(0.81f, trajectory[0], 6);
        Assert.Equal(0.539f, trajectory[1], 6);
    }

    [Fact]
    public void Step_WeightDecayBeforeMomentumWithDampening_MatchesReferenceRecurrence()
    {
        var options = new SgdOptions { LearningRate = 0.05f, Momentum = 0.8f, Dampening = 0.3f, WeightDecay = 0.01f };
        Parameter p = Scalar(2f);
        var sgd = new Sgd([p], options);
        Func<int, float> gradient = step => 0.5f - 0.2f * step;

        float[] trajectory = Run(sgd, p, 4, gradient);

        // PyTorch's rule written out in float64: g = ∇ + λθ; b = g, then μb + (1−τ)g; θ −= η·b.
        double theta = 2, buffer = 0;
        for (int step = 0; step < 4; step++)
        {
            double g = gradient(step) + 0.01 * theta;
            buffer = step == 0 ? g : 0.8 * buffer + 0.7 * g;
            theta -= 0.05 * buffer;
            Assert.Equal(theta, trajectory[step], 5);
        }
    }

    [Fact]
    public void Step_PlainWithWeightDecay_MatchesByHand()
    {
        // θ1 = 1 − 0.1·(1 + 0.5·1) = 0.85.
        Parameter p = Scalar(1f);
        var sgd = new Sgd([p], new SgdOptions { LearningRate = 0.1f, WeightDecay = 0.5f });

        float[] trajectory = Run(sgd, p, 1, _ => 1f);

        Assert.Equal(0.85f, trajectory[0], 6);
    }

    [Fact]
    public void Reset_AfterSteps_RestartsMomentumLikeANewOptimizer()
    {
        Parameter p = Scalar(1f);
        var sgd = new Sgd([p], new SgdOptions { LearningRate = 0.1f, Momentum = 0.9f });
        Run(sgd, p, 3, _ => 1f);
        p.Value.Span[0] = 1f;

        sgd.Reset();
        float[] trajectory = Run(sgd, p, 1, _ => 1f);

        Assert.Equal(0.9f, trajectory[0], 6);
    }

    [Fact]
    public void LearningRate_ChangedBetweenSteps_UsesNewRate()
    {
        // θ1 = 1 − 0.1·1 = 0.9; θ2 = 0.9 − 0.5·1 = 0.4.
        Parameter p = Scalar(1f);
        var sgd = new Sgd([p], new SgdOptions { LearningRate = 0.1f });
        Run(sgd, p, 1, _ => 1f);

        sgd.LearningRate = 0.5f;
        float[] trajectory = Run(sgd, p, 1, _ => 1f);

        Assert.Equal(0.4f, trajectory[0], 6);
        Assert.Throws<ArgumentOutOfRangeException>(() => sgd.LearningRate = 0f);
    }

    [Fact]
    public void Validate_NesterovWithoutMomentum_ThrowsWithFix()
    {
        var error = Assert.Throws<ArgumentException>(() => new Sgd([], new SgdOptions { Nesterov = true }));

        Assert.Contains("momentum > 0", error.Message);
    }

    [Theory]
    [InlineData(0f, 0f)]
    [InlineData(0.1f, 1f)]
    [InlineData(-1f, 0f)]
    public void Validate_OutOfRange_Throws(float learningRate, float momentum)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SgdOptions { LearningRate = learningRate, Momentum = momentum }.Validate());
    }

    internal static Parameter Scalar(float value)
    {
        var p = new Parameter("w", 1);
        p.Value.Span[0] = value;
        return p;
    }

    internal static float[] Run(IOptimizer optimizer, Parameter p, int steps, Func<int, float> gradient)
    {
        float[] trajectory = new float[steps];
        for (int step = 0; step < steps; step++)
        {
            p.Gradient.Span[0] = gradient(step);
            optimizer.Step();
            trajectory[step] = p.Value.Span[0];
        }

        return trajectory;
    }
}
