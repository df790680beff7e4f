using FedSharp.Learning.Layers;
using FedSharp.Learning.Tensors;

namespace FedSharp.Learning.Tests.Layers;

public sealed class DropoutTests
{
    [Fact]
    public void Forward_Training_DropsAboutPAndScalesSurvivors()
    {
        var layer = new Dropout(0.25, new Random(18));
        layer.Bind([1000]);
        layer.Reserve(4);
        var x = new Tensor(Enumerable.Repeat(2f, 4000).ToArray(), 4, 1000);

        float[] y = layer.Forward(x, 4, training: true).ReadOnlySpan.ToArray();

        int dropped = y.Count(v => v == 0f);
        Assert.InRange(dropped, 900, 1100);
        Assert.All(y.Where(v => v != 0f), v => Assert.Equal(2f / 0.75f, v, 6));
    }

    [Fact]
    public void Forward_Evaluation_IsIdentity()
    {
        var layer = new Dropout(0.5, new Random(19));
        layer.Bind([6]);
        layer.Reserve(1);
        var x = new Tensor([1, 2, 3, 4, 5, 6], 1, 6);

        float[] y = layer.Forward(x, 1, training: false).ReadOnlySpan.ToArray();

        Assert.Equal(x.ReadOnlySpan.ToArray(), y);
    }

    [Fact]
    public void Backward_FixedMask_MatchesFiniteDifferences()
    {
        var random = new ReplayRandom(20);
        var layer = new Dropout(0.4, random);

        GradientCheck.Assert(layer, [2, 5], 3, GradientCheck.RandomValues(30, 21), seed: 22, beforeEachForward: random.Restart);
    }

    [Fact]
    public void Constructor_ProbabilityOne_ThrowsWithRange()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(1.0, new Random(1)));

        Assert.Contains("[0, 1)", error.Message);
    }

    /// <summary>Replays the same seeded sequence after every <see cref="Restart"/>, so each forward pass draws the same mask.</summary>
    private sealed class ReplayRandom(int seed) : Random
    {
        private Random _source = new(seed);

        public void Restart() => _source = new Random(seed);

        public override double NextDouble() => _source.NextDouble();
    }
}
