using FedSharp.Learning.Layers;
using FedSharp.Learning.Tensors;

namespace FedSharp.Learning.Tests.Layers;

/// <summary>
/// A layer with a fused ReLU must behave bit for bit like the same layer followed by a separate <see cref="ReLU"/>,
/// whose gradients the finite-difference checks already cover.
/// </summary>
public sealed class FusedActivationTests
{
    [Fact]
    public void Conv2d_FusedReLU_BitIdenticalToSeparateReLU()
    {
        int[] shape = [2, 7, 6];
        var fused = new Conv2d("conv", 2, 4, 3, new Random(40), stride: 2, padding: 1, activation: Activation.ReLU);
        var plain = new Conv2d("conv", 2, 4, 3, new Random(40), stride: 2, padding: 1);

        AssertSameAsSeparate(fused, plain, shape, batch: 3, seed: 41);
    }

    [Fact]
    public void Linear_FusedReLU_BitIdenticalToSeparateReLU()
    {
        var fused = new Linear("fc", 19, 13, new Random(42), Activation.ReLU);
        var plain = new Linear("fc", 19, 13, new Random(42));

        AssertSameAsSeparate(fused, plain, [19], batch: 5, seed: 43);
    }

    [Fact]
    public void Constructor_UndefinedActivation_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Linear("fc", 2, 2, new Random(1), (Activation)7));
    }

    private static void AssertSameAsSeparate(Layer fused, Layer plain, int[] inputShape, int batch, int seed)
    {
        var relu = new ReLU();
        fused.Bind(inputShape);
        plain.Bind(inputShape);
        relu.Bind(plain.OutputShape);
        foreach (Layer layer in new[] { fused, plain, relu })
        {
            layer.Reserve(batch);
        }

        int inputLength = batch * fused.InputSize;
        var input = new Tensor(GradientCheck.RandomValues(inputLength, seed), [batch, .. inputShape]);
        var outputGradient = new Tensor(GradientCheck.RandomValues(batch * fused.OutputSize, seed + 1), batch, fused.OutputSize);

        float[] fusedOutput = fused.Forward(input, batch, training: true).ReadOnlySpan.ToArray();
        float[] separateOutput = relu.Forward(plain.Forward(input, batch, training: true), batch, training: true).ReadOnlySpan.ToArray();
        float[] fusedInputGradient = fused.Backward(outputGradient, batch)!.ReadOnlySpan[..inputLength].ToArray();
        float[] separateInputGradient = plain.Backward(relu.Backward(outputGradient, batch)!, batch)!.ReadOnlySpan[..inputLength].ToArray();

        Assert.Contains(fusedOutput, v => v == 0f);
        Assert.Contains(fusedOutput, v => v > 0f);
        Assert.Equal(Bits(separateOutput), Bits(fusedOutput));
        Assert.Equal(Bits(separateInputGradient), Bits(fusedInputGradient));
        for (int p = 0; p < fused.Parameters.Count; p++)
        {
            Assert.Equal(Bits(plain.Parameters[p].Gradient.ReadOnlySpan.ToArray()), Bits(fused.Parameters[p].Gradient.ReadOnlySpan.ToArray()));
        }
    }

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
