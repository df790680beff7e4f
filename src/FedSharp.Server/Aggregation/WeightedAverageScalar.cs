namespace FedSharp.Server.Aggregation;

/// <summary>
/// The plain-loop twin of <see cref="WeightedAverage"/>: same contracts, one value at a time. It is the oracle the
/// vectorised kernels are tested against and the reference a reader checks the arithmetic with.
/// </summary>
public static class WeightedAverageScalar
{
    /// <summary>sum[i] += weight × update[i].</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Accumulate(ReadOnlySpan<float> update, float weight, Span<float> sum)
    {
        if (update.Length != sum.Length)
        {
            throw new ArgumentException($"The update has {update.Length} values but the sum has {sum.Length}; both must describe the same tensor.", nameof(update));
        }

        for (int i = 0; i < update.Length; i++)
        {
            sum[i] = (update[i] * weight) + sum[i];
        }
    }

    /// <summary>destination[i] = sum[i] / totalWeight.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="totalWeight"/> is not a positive finite number.</exception>
    public static void Divide(ReadOnlySpan<float> sum, float totalWeight, Span<float> destination)
    {
        if (sum.Length != destination.Length)
        {
            throw new ArgumentException($"The sum has {sum.Length} values but the destination has {destination.Length}; both must describe the same tensor.", nameof(destination));
        }

        if (!(totalWeight > 0) || float.IsPositiveInfinity(totalWeight))
        {
            throw new ArgumentOutOfRangeException(nameof(totalWeight), totalWeight, "A weighted mean needs a positive, finite total weight.");
        }

        for (int i = 0; i < sum.Length; i++)
        {
            destination[i] = sum[i] / totalWeight;
        }
    }
}
