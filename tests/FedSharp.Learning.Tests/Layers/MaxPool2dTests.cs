using FedSharp.Learning.Layers;
using FedSharp.Learning.Tensors;

namespace FedSharp.Learning.Tests.Layers;

public sealed class MaxPool2dTests
{
    [Fact]
    public void Forward_TwoByTwo_TakesWindowMaxima()
    {
        var layer = new MaxPool2d(2);
        layer.Bind([1, 4, 4]);
        layer.Reserve(1);
        var x = new Tensor([1, 2, 5, 0, 3, 4, 1, 1, -1, -2, 0, 9, -3, -4, 8, 7], 1, 1, 4, 4);

        float[] y = layer.Forward(x, 1, training: true).ReadOnlySpan.ToArray();

        Assert.Equal(new float[] { 4, 5, -1, 9 }, y);
    }

    [Fact]
    public void Backward_TwoByTwo_RoutesGradientToArgMax()
    {
        var layer = new MaxPool2d(2);
        layer.Bind([1, 2, 4]);
        layer.Reserve(1);
        layer.Forward(new Tensor([1, 2, 5, 0, 3, 4, 1, 1], 1, 1, 2, 4), 1, training: true);

        float[] dx = layer.Backward(new Tensor([10, 20], 1, 1, 1, 2), 1)!.ReadOnlySpan.ToArray();

        Assert.Equal(new float[] { 0, 0, 20, 0, 0, 10, 0, 0 }, dx);
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(2, 1)]
    public void Backward_DistinctInputs_MatchesFiniteDifferences(int kernel, int stride)
    {
        const int Batch = 2, C = 2, H = 7, W = 6;
        int length = Batch * C * H * W;

        // A shuffled ramp with gaps of 0.05 keeps every window's maximum unique under a ±0.01 perturbation.
        var random = new Random(12);
        float[] input = Enumerable.Range(0, length).Select(i => i * 0.05f - 4f).OrderBy(_ => random.Next()).ToArray();

        GradientCheck.Assert(new MaxPool2d(kernel, stride), [C, H, W], Batch, input, seed: 13);
    }

    [Fact]
    public void Bind_InputSmallerThanKernel_Throws()
    {
        Assert.Throws<ArgumentException>(() => new MaxPool2d(3).Bind([1, 2, 8]));
    }
}
