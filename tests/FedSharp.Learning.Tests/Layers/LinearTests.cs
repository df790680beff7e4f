using FedSharp.Learning.Layers;
using FedSharp.Learning.Tensors;

namespace FedSharp.Learning.Tests.Layers;

public sealed class LinearTests
{
    [Fact]
    public void Forward_SmallBatch_ComputesInputTimesWeightTransposedPlusBias()
    {
        var layer = new Linear("fc", 3, 2, new Random(1));
        new float[] { 1, 2, 3, -1, 0, 1 }.CopyTo(layer.Weight.Value.Span);
        new float[] { 0.5f, -0.5f }.CopyTo(layer.Bias.Value.Span);
        layer.Bind([3]);
        layer.Reserve(2);
        var x = new Tensor([1, 0, 2, -1, 1, 1], 2, 3);

        float[] y = layer.Forward(x, 2, training: true).ReadOnlySpan[..4].ToArray();

        Assert.Equal(new float[] { 7.5f, 0.5f, 4.5f, 1.5f }, y);
    }

    [Fact]
    public void Backward_RandomBatch_MatchesFiniteDifferences()
    {
        var layer = new Linear("fc", 7, 5, new Random(2));

        GradientCheck.Assert(layer, [7], 3, GradientCheck.RandomValues(21, 3), seed: 4);
    }

    [Fact]
    public void Bind_InputNotFlat_ThrowsNamingFlatten()
    {
        var layer = new Linear("fc1", 16, 4, new Random(1));

        var error = Assert.Throws<ArgumentException>(() => layer.Bind([1, 4, 4]));

        Assert.Contains("fc1.weight", error.Message);
        Assert.Contains("Flatten", error.Message);
    }

    [Fact]
    public void Constructor_Seeded_DrawsWithinPyTorchDefaultBound()
    {
        var layer = new Linear("fc", 100, 50, new Random(9));

        float bound = 1f / MathF.Sqrt(100);
        Assert.All(layer.Weight.Value.ReadOnlySpan.ToArray(), w => Assert.InRange(w, -bound, bound));
        Assert.All(layer.Bias.Value.ReadOnlySpan.ToArray(), b => Assert.InRange(b, -bound, bound));
        Assert.True(layer.Weight.Value.ReadOnlySpan.ToArray().Max() > 0.9f * bound);
    }

    [Fact]
    public void Forward_BatchAboveCapacity_Throws()
    {
        var layer = new Linear("fc", 2, 2, new Random(1));
        layer.Bind([2]);
        layer.Reserve(2);

        Assert.Throws<ArgumentOutOfRangeException>(() => layer.Forward(new Tensor(3, 2), 3, training: true));
    }
}
