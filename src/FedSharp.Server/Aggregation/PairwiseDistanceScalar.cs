namespace FedSharp.Server.Aggregation;

/// <summary>
/// The loop-by-loop twin of <see cref="PairwiseDistance"/>: the same distance, one value at a time, summed in double.
/// It is the oracle the vectorised kernel is tested against (to a relative 10⁻⁵: the two add in different orders).
/// </summary>
public static class PairwiseDistanceScalar
{
    /// <summary>Σᵢ (x[i] − y[i])².</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static double Squared(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException($"The first update has {x.Length} values but the second has {y.Length}; both must describe the same tensor.", nameof(y));
        }

        double total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double d = (double)x[i] - y[i];
            total += d * d;
        }

        return total;
    }
}
