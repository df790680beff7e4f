using FedSharp.Learning.Losses;
using FedSharp.Learning.Tests.Layers;

namespace FedSharp.Learning.Tests.Losses;

public sealed class SoftmaxCrossEntropyTests
{
    [Fact]
    public void Compute_EqualLogits_ReturnsLogClassCount()
    {
        float[] gradient = new float[8];

        float loss = SoftmaxCrossEntropy.Compute(new float[8], [1, 3], 4, gradient);

        Assert.Equal(MathF.Log(4), loss, 6);
        Assert.Equal(new float[] { 0.125f, -0.375f, 0.125f, 0.125f, 0.125f, 0.125f, 0.125f, -0.375f }, gradient);
    }

    [Fact]
    public void Compute_HugeLogits_StaysFinite()
    {
        float[] gradient = new float[3];

        float loss = SoftmaxCrossEntropy.Compute([1000f, 0f, -1000f], [1], 3, gradient);

        Assert.Equal(1000f, loss, 3);
        Assert.All(gradient, g => Assert.True(float.IsFinite(g)));
        Assert.Equal(1f, gradient[0], 6);
        Assert.Equal(-1f, gradient[1], 6);
    }

    [Fact]
    public void Compute_RandomLogits_GradientMatchesFiniteDifferences()
    {
        const int Batch = 4, Classes = 5;
        float[] logits = GradientCheck.RandomValues(Batch * Classes, 23, scale: 3f);
        int[] labels = [0, 4, 2, 2];
        float[] gradient = new float[Batch * Classes];
        float[] scratch = new float[Batch * Classes];

        SoftmaxCrossEntropy.Compute(logits, labels, Classes, gradient);

        const float Epsilon = 1e-2f;
        for (int i = 0; i < logits.Length; i++)
        {
            float original = logits[i];
            logits[i] = original + Epsilon;
            double plus = SoftmaxCrossEntropy.Evaluate(logits, labels, Classes, out _) / Batch;
            logits[i] = original - Epsilon;
            double minus = SoftmaxCrossEntropy.Evaluate(logits, labels, Classes, out _) / Batch;
            logits[i] = original;
            double numeric = (plus - minus) / (2 * Epsilon);
            Assert.True(Math.Abs(gradient[i] - numeric) <= 1e-4 + 1e-3 * Math.Abs(numeric), $"logit {i}: {gradient[i]} vs {numeric}");
        }

        Assert.Equal(SoftmaxCrossEntropy.Evaluate(logits, labels, Classes, out _) / Batch, SoftmaxCrossEntropy.Compute(logits, labels, Classes, scratch), 5);
    }

    [Fact]
    public void Evaluate_Batch_CountsArgMaxHits()
    {
        SoftmaxCrossEntropy.Evaluate([0f, 2f, 1f, 3f, 0f, 0f, 1f, 1f, 5f], [1, 1, 2], 3, out int correct);

        Assert.Equal(2, correct);
    }

    internal static float MeanLoss(FedSharp.Learning.Tensors.Tensor logits, int[] labels, FedSharp.Learning.Tensors.Tensor gradient) =>
        SoftmaxCrossEntropy.Compute(logits.ReadOnlySpan[..gradient.Length], labels, gradient.Dimension(1), gradient.Span);

    [Fact]
    public void Compute_LabelOutOfRange_ThrowsNamingRow()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => SoftmaxCrossEntropy.Compute(new float[4], [0, 2], 2, new float[4]));

        Assert.Contains("row 1", error.Message);
    }
}
