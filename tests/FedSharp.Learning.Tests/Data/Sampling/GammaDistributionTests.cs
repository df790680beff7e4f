using FedSharp.Learning.Data.Sampling;

namespace FedSharp.Learning.Tests.Data.Sampling;

public sealed class GammaDistributionTests
{
    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(2.5)]
    [InlineData(10.0)]
    public void Sample_ManyDraws_MeanAndVarianceEqualShape(double shape)
    {
        // Arrange
        const int Draws = 200_000;
        var random = new Random(1234);

        // Act
        var values = new double[Draws];
        for (int i = 0; i < Draws; i++)
        {
            values[i] = GammaDistribution.Sample(random, shape);
        }

        // Assert: Gamma(k, 1) has mean k and variance k; the sample variance has variance k²(2 + 6/k)/n.
        double mean = values.Average();
        double variance = values.Sum(v => (v - mean) * (v - mean)) / (Draws - 1);
        double meanTolerance = 5 * Math.Sqrt(shape / Draws);
        double varianceTolerance = 5 * Math.Sqrt(shape * shape * (2 + 6 / shape) / Draws);
        Assert.InRange(mean, shape - meanTolerance, shape + meanTolerance);
        Assert.InRange(variance, shape - varianceTolerance, shape + varianceTolerance);
        Assert.All(values, v => Assert.True(v >= 0));
    }

    [Fact]
    public void Sample_SameSeed_SameSequence()
    {
        // Arrange
        var first = new Random(7);
        var second = new Random(7);

        // Act
        double[] a = Enumerable.Range(0, 100).Select(_ => GammaDistribution.Sample(first, 0.5)).ToArray();
        double[] b = Enumerable.Range(0, 100).Select(_ => GammaDistribution.Sample(second, 0.5)).ToArray();

        // Assert
        Assert.Equal(a, b);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void Sample_ShapeNotPositive_Throws(double shape)
    {
        // Act
        Assert.Throws<ArgumentOutOfRangeException>(() => GammaDistribution.Sample(new Random(1), shape));
    }
}
