using System.Numerics.Tensors;

namespace FedSharp.Server.Aggregation;

/// <summary>
/// The arithmetic of a weighted mean over client updates, as span kernels: fold each update into a running sum with
/// its weight, then divide by the total weight. <see cref="WeightedAverageScalar"/> is the loop-by-loop twin used as
/// the test oracle.
/// </summary>
/// <remarks>
/// The sum is float32 with the weight folded in per update (one multiply and one add per value, vectorised by
/// <see cref="TensorPrimitives"/>), so memory is one model-sized buffer however many clients contribute. The
/// rounding error of a float32 running sum grows with the number of terms n at worst like n·2⁻²⁴ relative, in
/// practice like √n·2⁻²⁴: about 2·10⁻⁶ for a thousand clients, far below the noise of the updates themselves.
/// Double accumulators would halve throughput and double memory for no visible change in the model.
/// </remarks>
public static class WeightedAverage
{
    /// <summary>sum[i] += weight × update[i].</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Accumulate(ReadOnlySpan<float> update, float weight, Span<float> sum)
    {
        if (update.Length != sum.Length)
        {
            throw new ArgumentException($"The update has {update.Length} values but the sum has {sum.Length}; both must describe the same tensor.", nameof(update));
        }

        TensorPrimitives.MultiplyAdd(update, weight, sum, sum);
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

        TensorPrimitives.Divide(sum, totalWeight, destination);
    }

    /// <summary>True when every value is finite (no NaN, no infinity).</summary>
    public static bool AllFinite(ReadOnlySpan<float> values)
    {
        return TensorPrimitives.IsFiniteAll(values);
    }
}
