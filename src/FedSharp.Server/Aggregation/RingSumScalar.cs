namespace FedSharp.Server.Aggregation;

/// <summary>The loop-by-loop twin of <see cref="RingSum"/>, the oracle of its tests.</summary>
public static class RingSumScalar
{
    /// <summary>sum[i] = (sum[i] + update[i]) mod 2³², on the values' bits, one value at a time.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Accumulate(ReadOnlySpan<float> update, Span<float> sum)
    {
        if (update.Length != sum.Length)
        {
            throw new ArgumentException($"The update has {update.Length} values but the ring sum has {sum.Length}; both must describe the same tensor.", nameof(update));
        }

        for (int i = 0; i < sum.Length; i++)
        {
            uint total = unchecked(BitConverter.SingleToUInt32Bits(sum[i]) + BitConverter.SingleToUInt32Bits(update[i]));
            sum[i] = BitConverter.UInt32BitsToSingle(total);
        }
    }
}
