using FedSharp.Server.Aggregation;

namespace FedSharp.Server.Tests.Aggregation;

public sealed class PairwiseDistanceTests
{
    public static TheoryData<int> Lengths()
    {
        var data = new TheoryData<int>();
        for (int length = 0; length <= 256; length++)
        {
            data.Add(length);
        }

        data.Add(1023);
        data.Add(PairwiseDistance.BlockLength);
        data.Add(PairwiseDistance.BlockLength + 3);
        return data;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Squared_AnyLength_MatchesScalarTwin(int length)
    {
        var random = new Random(length + 7);
        float[] x = [.. Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 4) - 2))];
        float[] y = [.. Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 4) - 2))];

        double actual = PairwiseDistance.Squared(x, y);
        double expected = PairwiseDistanceScalar.Squared(x, y);

        // The kernel sums squares in float lanes, the twin in double: they agree to float precision, not bit for bit.
        Assert.True(Math.Abs(actual - expected) <= 1e-5 * Math.Max(1, expected), $"length {length}: kernel {actual}, scalar twin {expected}");
    }

    [Fact]
    public void Squared_HandComputed_SumsSquaredDifferences()
    {
        // (1−4)² + (2−6)² + (3−3)² = 9 + 16 + 0.
        Assert.Equal(25, PairwiseDistance.Squared([1, 2, 3], [4, 6, 3]));
        Assert.Equal(25, PairwiseDistanceScalar.Squared([1, 2, 3], [4, 6, 3]));
    }

    [Fact]
    public void Squared_SameVector_IsZero()
    {
        float[] x = [.. Enumerable.Range(0, 100).Select(i => i * 0.1f)];

        Assert.Equal(0, PairwiseDistance.Squared(x, x));
    }

    [Fact]
    public void Squared_LengthMismatch_Throws()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => PairwiseDistance.Squared(new float[4], new float[3]));

        Assert.Contains("4 values but the second has 3", error.Message, StringComparison.Ordinal);
    }
}
