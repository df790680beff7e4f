using FedSharp.Learning.Layers;
using FedSharp.Learning.Tensors;

namespace FedSharp.Learning.Tests.Layers;

public sealed class FlattenTests
{
    [Fact]
    public void Forward_ChannelsImage_KeepsRowMajorOrder()
    {
        var layer = new Flatten();
        layer.Bind([2, 2, 2]);
        layer.Reserve(2);
        var x = new Tensor(Enumerable.Range(0, 16).Select(i => (float)i).ToArray(), 2, 2, 2, 2);

        Tensor y = layer.Forward(x, 2, training: true);

        Assert.Equal(new[] { 2, 8 }, y.Shape.ToArray());
        Assert.Equal(x.ReadOnlySpan.ToArray(), y.ReadOnlySpan.ToArray());
        Assert.Equal(new[] { 8 }, layer.OutputShape.ToArray());
    }

    [Fact]
    public void Backward_RandomBatch_MatchesFiniteDifferences()
    {
        GradientCheck.Assert(new Flatten(), [3, 2, 2], 2, GradientCheck.RandomValues(24, 16), seed: 17);
    }
}
