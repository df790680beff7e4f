using FedSharp.Learning.Data.Sampling;

namespace FedSharp.Learning.Tests.Data.Sampling;

public sealed class NormalDistributionTests
{
    [Fact]
    public void Sample_ManyDraws_MeanAndVarianceMatch()
    {
        // Arrange
        const int Draws = 200_000;
        var random = new Random(3);

        // Act
        double[] values = Enumerable.Range(0, Draws).Select(_ => NormalDistribution.Sample(random, 2.0, 3.0)).ToArray();

        // Assert
        double mean = values.Average();
        double variance = values.Sum(v => (v - mean) * (v - mean)) / (Draws - 1);
        Assert.InRange(mean, 2.0 - 5 * 3.0 / Math.Sqrt(Draws), 2.0 + 5 * 3.0 / Math.Sqrt(Draws));
        Assert.InRange(variance, 9.0 - 5 * 9.0 * Math.Sqrt(2.0 / Draws), 9.0 + 5 * 9.0 * Math.Sqrt(2.0 / Draws));
    }
}
