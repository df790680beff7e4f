using FedSharp.Server.Aggregation;

namespace FedSharp.Server.Tests.Aggregation;

public sealed class WeightedAverageTests
{
    public static TheoryData<int> Lengths()
    {
        var data = new TheoryData<int>();
        for (int length = 0; length <= 256; length++)
        {
            data.Add(length);
        }

        data.Add(1023);
        data.Add(4099);
        return data;
    }

    private static float[] RandomValues(Random random, int length)
        => [.. Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 4) - 2))];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Accumulate_AnyLength_MatchesScalarTwin(int length)
    {
        var random = new Random(length + 1);
        float[] update = RandomValues(random, length);
        float[] sum = RandomValues(random, length);
        float[] expected = (float[])sum.Clone();

        WeightedAverage.Accumulate(update, 37f, sum);
        WeightedAverageScalar.Accumulate(update, 37f, expected);

        Assert.Equal(expected, sum);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Divide_AnyLength_MatchesScalarTwin(int length)
    {
        var random = new Random(length + 1000);
        float[] sum = RandomValues(random, length);
        float[] actual = new float[length];
        float[] expected = new float[length];

        WeightedAverage.Divide(sum, 123f, actual);
        WeightedAverageScalar.Divide(sum, 123f, expected);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Accumulate_ThreeWeightedUpdates_ThenDivide_GivesWeightedMean()
    {
        float[] sum = new float[3];

        WeightedAverage.Accumulate([1, 2, 3], 1, sum);
        WeightedAverage.Accumulate([3, 2, 1], 3, sum);
        WeightedAverage.Divide(sum, 4, sum);

        Assert.Equal([2.5f, 2f, 1.5f], sum);
    }

    [Fact]
    public void Accumulate_LengthMismatch_Throws()
    {
        float[] sum = new float[3];

        ArgumentException error = Assert.Throws<ArgumentException>(() => WeightedAverage.Accumulate(new float[4], 1, sum));

        Assert.Contains("4 values but the sum has 3", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Divide_NonPositiveTotalWeight_Throws(float totalWeight)
    {
        float[] sum = new float[2];

        Assert.Throws<ArgumentOutOfRangeException>(() => WeightedAverage.Divide(sum, totalWeight, sum));
    }

    [Fact]
    public void Accumulate_AfterWarmUp_AllocatesNothing()
    {
        float[] update = new float[1000];
        float[] sum = new float[1000];
        WeightedAverage.Accumulate(update, 2, sum);

        long before = GC.GetAllocatedBytesForCurrentThread();
        WeightedAverage.Accumulate(update, 2, sum);
        WeightedAverage.Divide(sum, 2, sum);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void AllFinite_NaNOrInfinityAnywhere_False()
    {
        float[] values = new float[100];

        bool clean = WeightedAverage.AllFinite(values);
        values[63] = float.NaN;
        bool withNaN = WeightedAverage.AllFinite(values);
        values[63] = float.NegativeInfinity;
        bool withInfinity = WeightedAverage.AllFinite(values);

        Assert.True(clean);
        Assert.False(withNaN);
        Assert.False(withInfinity);
    }
}
