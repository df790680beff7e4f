using FedSharp.Learning.Layers;
using FedSharp.Learning.Tensors;

namespace FedSharp.Learning.Tests.Layers;

public sealed class Conv2dTests
{
    [Theory]
    [InlineData(1, 6, 28, 5, 17)]   // simple-cnn's first layer: 4 samples per inference block, the last one partial
    [InlineData(6, 16, 12, 5, 9)]
    [InlineData(3, 4, 40, 3, 3)]    // one sample is larger than a block: one sample at a time
    public void Forward_Inference_BitIdenticalToTheWholeBatchTrainingPass(int inChannels, int outChannels, int size, int kernel, int batch)
    {
        var layer = new Conv2d("conv", inChannels, outChannels, kernel, new Random(3), padding: 1, activation: Activation.ReLU);
        layer.Bind([inChannels, size, size]);
        layer.Reserve(batch);
        var input = new Tensor(GradientCheck.RandomValues(batch * inChannels * size * size, 4), batch, inChannels, size, size);

        float[] trained = layer.Forward(input, batch, training: true).ReadOnlySpan.ToArray();
        float[] inferred = layer.Forward(input, batch, training: false).ReadOnlySpan.ToArray();

        Assert.Equal(trained, inferred);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(1, 2)]
    public void Forward_StrideAndPadding_MatchesDirectConvolution(int stride, int padding)
    {
        const int Batch = 2, InC = 2, OutC = 3, H = 6, W = 5, K = 3;
        var layer = new Conv2d("conv", InC, OutC, K, new Random(5), stride, padding);
        layer.Bind([InC, H, W]);
        layer.Reserve(Batch);
        float[] input = GradientCheck.RandomValues(Batch * InC * H * W, 6);

        float[] y = layer.Forward(new Tensor(input, Batch, InC, H, W), Batch, training: true).ReadOnlySpan.ToArray();

        int outH = (H + 2 * padding - K) / stride + 1, outW = (W + 2 * padding - K) / stride + 1;
        Assert.Equal(Batch * OutC * outH * outW, y.Length);
        ReadOnlySpan<float> w = layer.Weight.Value.ReadOnlySpan;
        for (int b = 0; b < Batch; b++)
        {
            for (int oc = 0; oc < OutC; oc++)
            {
                for (int oy = 0; oy < outH; oy++)
                {
                    for (int ox = 0; ox < outW; ox++)
                    {
                        double sum = layer.Bias!.Value.ReadOnlySpan[oc];
                        for (int c = 0; c < InC; c++)
                        {
                            for (int ky = 0; ky < K; ky++)
                            {
                                for (int kx = 0; kx < K; kx++)
                                {
                                    int iy = oy * stride - padding + ky, ix = ox * stride - padding + kx;
                                    if (iy >= 0 && iy < H && ix >= 0 && ix < W)
                                    {
                                        sum += w[((oc * InC + c) * K + ky) * K + kx] * input[((b * InC + c) * H + iy) * W + ix];
                                    }
                                }
                            }
                        }

                        Assert.Equal(sum, y[((b * OutC + oc) * outH + oy) * outW + ox], 5);
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    public void Backward_StrideAndPadding_MatchesFiniteDifferences(int stride, int padding)
    {
        var layer = new Conv2d("conv", 2, 3, 3, new Random(7), stride, padding);

        GradientCheck.Assert(layer, [2, 6, 5], 2, GradientCheck.RandomValues(2 * 2 * 6 * 5, 8), seed: 9);
    }

    [Fact]
    public void Backward_NoBias_MatchesFiniteDifferences()
    {
        var layer = new Conv2d("conv", 1, 2, 2, new Random(7), hasBias: false);

        GradientCheck.Assert(layer, [1, 4, 4], 3, GradientCheck.RandomValues(3 * 16, 10), seed: 11);
        Assert.Single(layer.Parameters);
    }

    [Fact]
    public void Backward_FirstLayer_SkipsInputGradientButWritesWeightGradient()
    {
        var layer = new Conv2d("conv1", 1, 2, 3, new Random(1)) { ComputesInputGradient = false };
        layer.Bind([1, 5, 5]);
        layer.Reserve(2);
        layer.Forward(new Tensor(GradientCheck.RandomValues(50, 2), 2, 1, 5, 5), 2, training: true);
        var gradient = new Tensor(GradientCheck.RandomValues(2 * 2 * 3 * 3, 3), 2, 2, 3, 3);

        Tensor? inputGradient = layer.Backward(gradient, 2);

        Assert.Null(inputGradient);
        Assert.Contains(layer.Weight.Gradient.ReadOnlySpan.ToArray(), g => g != 0f);
    }

    [Fact]
    public void Bind_WrongChannelCount_ThrowsNamingLayer()
    {
        var layer = new Conv2d("conv2", 6, 16, 5, new Random(1));

        var error = Assert.Throws<ArgumentException>(() => layer.Bind([3, 12, 12]));

        Assert.Contains("conv2.weight", error.Message);
        Assert.Contains("[3, 12, 12]", error.Message);
    }

    [Fact]
    public void Backward_WithoutForward_Throws()
    {
        var layer = new Conv2d("conv", 1, 1, 2, new Random(1));
        layer.Bind([1, 3, 3]);
        layer.Reserve(1);
        var gradient = new Tensor(1, 1, 2, 2);
        layer.Forward(new Tensor(1, 1, 3, 3), 1, training: true);
        layer.Backward(gradient, 1);

        Assert.Throws<InvalidOperationException>(() => layer.Backward(gradient, 1));
    }
}
