using FedSharp.Learning.Data.Sampling;

namespace FedSharp.Learning.Tests.Data.Sampling;

public sealed class DirichletDistributionTests
{
    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(5.0)]
    public void Sample_ManyDraws_SumToOneWithMeanOneOverN(double beta)
    {
        // Arrange
        const int Dimension = 10;
        const int Draws = 20_000;
        var random = new Random(99);
        var p = new double[Dimension];
        var sums = new double[Dimension];

        // Act
        for (int i = 0; i < Draws; i++)
        {
            DirichletDistribution.Sample(random, beta, p);
            Assert.Equal(1.0, p.Sum(), 1e-12);
            Assert.All(p, v => Assert.True(v >= 0));
            for (int j = 0; j < Dimension; j++)
            {
                sums[j] += p[j];
            }
        }

        // Assert: Dir(β·1) has E[p_j] = 1/N and Var[p_j] = (N-1)/(N²(Nβ+1)).
        double sd = Math.Sqrt((Dimension - 1) / (Dimension * Dimension * (Dimension * beta + 1)) / Draws);
        Assert.All(sums, s => Assert.InRange(s / Draws, 0.1 - 5 * sd, 0.1 + 5 * sd));
    }

    [Fact]
    public void Sample_SmallBeta_IsMoreSkewedThanLargeBeta()
    {
        // Arrange
        var random = new Random(5);
        var p = new double[10];
        double smallBetaMax = 0;
        double largeBetaMax = 0;

        // Act
        for (int i = 0; i < 2000; i++)
        {
            DirichletDistribution.Sample(random, 0.1, p);
            smallBetaMax += p.Max();
            DirichletDistribution.Sample(random, 10, p);
            largeBetaMax += p.Max();
        }

        // Assert
        Assert.True(smallBetaMax / 2000 > 0.6, $"β = 0.1 average largest share {smallBetaMax / 2000:F3}");
        Assert.True(largeBetaMax / 2000 < 0.2, $"β = 10 average largest share {largeBetaMax / 2000:F3}");
    }

    [Theory]
    [InlineData(1e-5)]
    [InlineData(1e-20)]
    [InlineData(1e-300)]
    public void Sample_TinyBeta_ReturnsAOneHotLikeVectorInsteadOfLoopingForever(double beta)
    {
        // Regression: every Gamma draw underflowed to 0 for tiny β and the sampler redrew forever.
        var random = new Random(3);
        var p = new double[10];

        for (int draw = 0; draw < 100; draw++)
        {
            DirichletDistribution.Sample(random, beta, p);

            Assert.All(p, v => Assert.True(v >= 0 && double.IsFinite(v)));
            Assert.Equal(1.0, p.Sum(), 12);
            Assert.Equal(1.0, p.Max(), 6);
        }
    }

    [Fact]
    public void Sample_BetaBelowTheMinimum_ThrowsNamingTheLimit()
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => DirichletDistribution.Sample(new Random(0), 1e-310, new double[3]));

        Assert.Contains("at least 1E-300", exception.Message, StringComparison.Ordinal);
    }
}
