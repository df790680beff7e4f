namespace FedSharp.Learning.Data.Sampling;

/// <summary>
/// Draws from Gamma(shape, 1) with the method of Marsaglia and Tsang (2000), "A simple method for generating gamma
/// variables": squeeze-accepted cubes of a normal for shape ≥ 1, and for shape &lt; 1 the boost
/// Gamma(a) = Gamma(a + 1) · U^(1/a).
/// </summary>
public static class GammaDistribution
{
    /// <summary>Draws one value from Gamma(<paramref name="shape"/>, scale 1); mean and variance both equal the shape.</summary>
    /// <param name="random">The seeded source of randomness.</param>
    /// <param name="shape">The shape α, &gt; 0.</param>
    public static double Sample(Random random, double shape)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(shape > 0) || double.IsInfinity(shape))
        {
            throw new ArgumentOutOfRangeException(nameof(shape), shape, "The Gamma shape must be a finite number > 0.");
        }

        if (shape < 1.0)
        {
            double boosted = SampleAtLeastOne(random, shape + 1.0);
            return boosted * Math.Pow(1.0 - random.NextDouble(), 1.0 / shape);
        }

        return SampleAtLeastOne(random, shape);
    }

    /// <summary>
    /// Draws the natural logarithm of one Gamma(<paramref name="shape"/>, 1) value. For tiny shapes the value itself
    /// underflows to 0 (below β ≈ 1e-4 almost always), its logarithm does not: Dirichlet draws normalise in log space.
    /// Consumes the same random numbers as <see cref="Sample"/>.
    /// </summary>
    /// <param name="random">The seeded source of randomness.</param>
    /// <param name="shape">The shape α, &gt; 0.</param>
    public static double SampleLog(Random random, double shape)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(shape > 0) || double.IsInfinity(shape))
        {
            throw new ArgumentOutOfRangeException(nameof(shape), shape, "The Gamma shape must be a finite number > 0.");
        }

        if (shape < 1.0)
        {
            double boosted = SampleAtLeastOne(random, shape + 1.0);
            return Math.Log(boosted) + Math.Log(1.0 - random.NextDouble()) / shape;
        }

        return Math.Log(SampleAtLeastOne(random, shape));
    }

    private static double SampleAtLeastOne(Random random, double shape)
    {
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x;
            double v;
            do
            {
                x = NormalDistribution.Sample(random);
                v = 1.0 + c * x;
            }
            while (v <= 0);

            v = v * v * v;
            double u = 1.0 - random.NextDouble();
            double x2 = x * x;

            // The cheap squeeze accepts about 98% of draws before the logarithmic test is needed.
            if (u < 1.0 - 0.0331 * x2 * x2 || Math.Log(u) < 0.5 * x2 + d * (1.0 - v + Math.Log(v)))
            {
                return d * v;
            }
        }
    }
}
