using FedSharp.Server.Aggregation;

namespace FedSharp.Server.Tests.Aggregation;

public sealed class RingSumTests
{
    public static TheoryData<int> Lengths()
    {
        var data = new TheoryData<int>();
        for (int length = 0; length <= 256; length++)
        {
            data.Add(length);
        }

        data.Add(4099);
        return data;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Accumulate_AnyLength_MatchesScalarTwinBitForBit(int length)
    {
        var random = new Random(length + 7);
        float[] update = Words(random, length);
        float[] sum = Words(random, length);
        float[] expected = (float[])sum.Clone();

        RingSum.Accumulate(update, sum);
        RingSumScalar.Accumulate(update, expected);

        Assert.Equal(expected.Select(BitConverter.SingleToUInt32Bits), sum.Select(BitConverter.SingleToUInt32Bits));
    }

    [Fact]
    public void Accumulate_MasksThatCancelInTheRing_LeaveTheSumOfThePlainValues()
    {
        // Two clients mask values 5 and 7 with +m and -m (mod 2^32); the ring sum is 12 whatever m is.
        const uint mask = 0xDEADBEEF;
        float[] first = [BitConverter.UInt32BitsToSingle(unchecked(5u + mask))];
        float[] second = [BitConverter.UInt32BitsToSingle(unchecked(7u - mask))];
        float[] sum = [0f];

        RingSum.Accumulate(first, sum);
        RingSum.Accumulate(second, sum);

        Assert.Equal(12u, BitConverter.SingleToUInt32Bits(sum[0]));
    }

    [Fact]
    public void Accumulate_LengthsDiffer_ThrowsNamingBoth()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => RingSum.Accumulate(new float[3], new float[4]));

        Assert.Contains("3 values but the ring sum has 4", error.Message, StringComparison.Ordinal);
    }

    private static float[] Words(Random random, int length)
        => [.. Enumerable.Range(0, length).Select(_ => BitConverter.UInt32BitsToSingle((uint)random.NextInt64(0, 1L << 32)))];
}
