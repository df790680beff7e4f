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

    [Theory]
    [InlineData(2, 2)]
    [InlineData(5, 11)]
    [InlineData(8, 8)]
    [InlineData(24, 24)]
    [InlineData(6, 17)]
    public void Backward_TwoByTwoWithTies_RoutesToFirstMaximumInRowMajorOrder(int height, int width)
    {
        // Values from {0, 1, 2} tie often, as after a ReLU; the reference scans each window row by row and keeps the
        // first strict maximum, which is where PyTorch sends the gradient.
        const int Batch = 2, C = 3;
        var random = new Random(height * 31 + width);
        float[] input = Enumerable.Range(0, Batch * C * height * width).Select(_ => (float)random.Next(3)).ToArray();
        var layer = new MaxPool2d(2);
        layer.Bind([C, height, width]);
        layer.Reserve(Batch);
        int outH = height / 2, outW = width / 2;
        float[] outputGradient = Enumerable.Range(1, Batch * C * outH * outW).Select(i => (float)i).ToArray();

        float[] y = layer.Forward(new Tensor(input, Batch, C, height, width), Batch, training: true).ReadOnlySpan[..outputGradient.Length].ToArray();
        float[] dx = layer.Backward(new Tensor(outputGradient, Batch, C, outH, outW), Batch)!.ReadOnlySpan.ToArray();

        float[] expectedY = new float[y.Length];
        float[] expectedDx = new float[input.Length];
        for (int plane = 0, o = 0; plane < Batch * C; plane++)
        {
            for (int oy = 0; oy < outH; oy++)
            {
                for (int ox = 0; ox < outW; ox++, o++)
                {
                    int best = plane * height * width + 2 * oy * width + 2 * ox;
                    foreach (int candidate in new[] { best + 1, best + width, best + width + 1 })
                    {
                        best = input[candidate] > input[best] ? candidate : best;
                    }

                    expectedY[o] = input[best];
                    expectedDx[best] += outputGradient[o];
                }
            }
        }

        Assert.Equal(expectedY, y);
        Assert.Equal(expectedDx, dx);
    }

    [Fact]
    public void Backward_TwoByTwoWideRows_MatchesFiniteDifferences()
    {
        var random = new Random(24);
        float[] input = Enumerable.Range(0, 2 * 2 * 6 * 18).Select(i => i * 0.05f - 10f).OrderBy(_ => random.Next()).ToArray();

        GradientCheck.Assert(new MaxPool2d(2), [2, 6, 18], 2, input, seed: 25);
    }

    [Fact]
    public void Bind_InputSmallerThanKernel_Throws()
    {
        Assert.Throws<ArgumentException>(() => new MaxPool2d(3).Bind([1, 2, 8]));
    }
}
