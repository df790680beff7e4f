using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace FedSharp.Server.Aggregation;

/// <summary>
/// The sum of masked updates in the ring of 32-bit integers: each value's 32 bits are read as an unsigned integer and
/// added modulo 2³², so pairwise masks that cancel in the ring cancel here whatever their size. The values are carried
/// in float arrays only because every tensor of the protocol is; their bits are never read as floats.
/// <see cref="RingSumScalar"/> is the loop-by-loop twin used as the test oracle.
/// </summary>
public static class RingSum
{
    /// <summary>sum[i] = (sum[i] + update[i]) mod 2³², on the values' bits.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Accumulate(ReadOnlySpan<float> update, Span<float> sum)
    {
        if (update.Length != sum.Length)
        {
            throw new ArgumentException($"The update has {update.Length} values but the ring sum has {sum.Length}; both must describe the same tensor.", nameof(update));
        }

        // Unsigned addition wraps, which is exactly arithmetic modulo 2^32.
        Span<uint> words = MemoryMarshal.Cast<float, uint>(sum);
        TensorPrimitives.Add(MemoryMarshal.Cast<float, uint>(update), words, words);
    }
}
