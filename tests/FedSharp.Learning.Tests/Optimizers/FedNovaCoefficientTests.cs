using FedSharp.Learning.Optimizers;

namespace FedSharp.Learning.Tests.Optimizers;

public sealed class FedNovaCoefficientTests
{
    [Theory]
    [InlineData(7, 0.0, 7.0)]
    [InlineData(1, 0.9, 1.0)]
    // Step k of τ = 3 with ρ = 0.5 is weighed (1 − ρ^(τ−k))/(1 − ρ): 1.75 + 1.5 + 1 = 4.25.
    [InlineData(3, 0.5, 4.25)]
    public void Compute_HandComputedSums(int steps, double momentum, double expected)
    {
        Assert.Equal(expected, FedNovaCoefficient.Compute(steps, momentum), 12);
    }

    [Fact]
    public void Compute_NiidBenchMomentum_EqualsTheSumOfMomentumWeights()
    {
        const int Steps = 80;
        const double Rho = 0.9;
        double sum = 0;
        for (int k = 0; k < Steps; k++)
        {
            sum += (1 - Math.Pow(Rho, Steps - k)) / (1 - Rho);
        }

        Assert.Equal(sum, FedNovaCoefficient.Compute(Steps, Rho), 9);
    }
}
