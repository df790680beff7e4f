using FedSharp.Learning.Kernels;

namespace FedSharp.Learning.Tests.Kernels;

public sealed class ProximalGradientTests
{
    [Fact]
    public void Add_EveryLength0To256_BitIdenticalToScalarTwin()
    {
        var random = new Random(5);
        for (int length = 0; length <= 256; length++)
        {
            float[] parameters = Values(random, length);
            float[] anchor = Values(random, length);
            float[] gradient = Values(random, length);
            float[] expected = (float[])gradient.Clone();

            ProximalGradient.Add(0.37f, parameters, anchor, gradient);
            ProximalGradientScalar.Add(0.37f, parameters, anchor, expected);

            Assert.Equal(expected, gradient);
        }
    }

    [Fact]
    public void Add_ByHand_AddsMuTimesDistance()
    {
        // g + μ(θ − θ₀) with μ = 0.5: [1 + 0.5·(3 − 1), −1 + 0.5·(0 − 2)] = [2, −2].
        float[] gradient = [1f, -1f];

        ProximalGradient.Add(0.5f, [3f, 0f], [1f, 2f], gradient);

        Assert.Equal([2f, -2f], gradient);
    }

    [Fact]
    public void Add_IsTheGradientOfTheProximalTerm_FiniteDifference()
    {
        // d/dθᵢ of μ/2·‖θ − θ₀‖², by central differences in double.
        float[] theta = [0.3f, -1.2f, 2f];
        float[] anchor = [0.1f, 0.4f, -0.5f];
        float[] gradient = new float[3];
        const double Mu = 0.8, H = 1e-4;

        ProximalGradient.Add((float)Mu, theta, anchor, gradient);

        for (int i = 0; i < theta.Length; i++)
        {
            double Term(double shift) => Mu / 2 * theta.Select((t, j) => Math.Pow(t + (j == i ? shift : 0) - anchor[j], 2)).Sum();
            Assert.Equal((Term(H) - Term(-H)) / (2 * H), gradient[i], 4);
        }
    }

    [Fact]
    public void Add_LengthsDiffer_ThrowsNamingAllThree()
    {
        var error = Assert.Throws<ArgumentException>(() => ProximalGradient.Add(1f, new float[3], new float[2], new float[3]));

        Assert.Contains("3 values, the anchor 2 and the gradient 3", error.Message, StringComparison.Ordinal);
    }

    private static float[] Values(Random random, int length) => [.. Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 4 - 2))];
}
