namespace FedSharp.Learning.Data.Sampling;

/// <summary>Draws from the normal distribution with a caller's seeded <see cref="Random"/> (Box–Muller, cosine branch).</summary>
public static class NormalDistribution
{
    /// <summary>Draws one standard normal value, mean 0 and standard deviation 1.</summary>
    public static double Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);

        // 1 - NextDouble() lies in (0, 1], so the logarithm is finite.
        double radius = Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble()));
        return radius * Math.Cos(2.0 * Math.PI * random.NextDouble());
    }

    /// <summary>Draws one value from N(<paramref name="mean"/>, <paramref name="standardDeviation"/>²).</summary>
    public static double Sample(Random random, double mean, double standardDeviation)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(standardDeviation);
        return mean + standardDeviation * Sample(random);
    }
}
