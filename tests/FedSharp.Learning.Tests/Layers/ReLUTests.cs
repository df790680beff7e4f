using FedSharp.Learning.Layers;
using FedSharp.Learning.Tensors;

namespace FedSharp.Learning.Tests.Layers;

public sealed class ReLUTests
{
    [Fact]
    public void Forward_MixedSigns_ZeroesNegatives()
    {
        var layer = new ReLU();
        layer.Bind([5]);
        layer.Reserve(1);

        float[] y = layer.Forward(new Tensor([-2, -0f, 0, 1.5f, 3], 1, 5), 1, training: true).ReadOnlySpan.ToArray();

        Assert.Equal(new float[] { 0, 0, 0, 1.5f, 3 }, y);
    }

    [Fact]
    public void Backward_AwayFromZero_MatchesFiniteDifferences()
    {
        // |x| ≥ 0.05 keeps every value on one side of the kink under a ±0.01 perturbation; the length is odd to cover the scalar tail.
        float[] input = GradientCheck.RandomValues(3 * 37, 14).Select(v => v >= 0 ? v + 0.05f : v - 0.05f).ToArray();

        GradientCheck.Assert(new ReLU(), [37], 3, input, seed: 15);
    }
}
