using FedSharp.Server.Aggregation;

namespace FedSharp.Server.Tests.Aggregation;

public sealed class OrderStatisticsTests
{
    [Fact]
    public void Median_OddCount_IsTheMiddleValue()
    {
        Assert.Equal(3f, OrderStatistics.Median([5, 1, 3]));
    }

    [Fact]
    public void Median_EvenCount_IsTheMeanOfTheTwoMiddleValues()
    {
        Assert.Equal(2.5f, OrderStatistics.Median([4, 1, 3, 2]));
    }

    [Fact]
    public void Median_Ties_IsTheTiedValue()
    {
        Assert.Equal(2f, OrderStatistics.Median([2, 7, 2, 2, -9]));
        Assert.Equal(2f, OrderStatistics.Median([2, 2, 1, 3]));
    }

    [Fact]
    public void Median_OneValue_IsThatValue()
    {
        Assert.Equal(-4f, OrderStatistics.Median([-4]));
    }

    [Fact]
    public void Median_Outlier_DoesNotMoveIt()
    {
        Assert.Equal(2f, OrderStatistics.Median([1, 2, 1e30f]));
    }

    [Fact]
    public void Median_Empty_Throws()
    {
        Assert.Throws<ArgumentException>(() => OrderStatistics.Median([]));
    }

    [Fact]
    public void TrimmedMean_CutsOneFromEachEnd_AveragesTheRest()
    {
        // Sorted: −100, 1, 2, 3, 100; cut −100 and 100.
        Assert.Equal(2f, OrderStatistics.TrimmedMean([100, 1, -100, 3, 2], 1));
    }

    [Fact]
    public void TrimmedMean_Ties_CutByPositionSoEqualValuesCountOnce()
    {
        // Sorted: 5, 5, 5, 9; one cut from each end leaves 5 and 5.
        Assert.Equal(5f, OrderStatistics.TrimmedMean([5, 9, 5, 5], 1));
    }

    [Fact]
    public void TrimmedMean_CutNothing_IsThePlainMean()
    {
        Assert.Equal(2.5f, OrderStatistics.TrimmedMean([1, 2, 3, 4], 0));
    }

    [Theory]
    [InlineData(2, 4)]
    [InlineData(1, 2)]
    [InlineData(-1, 3)]
    public void TrimmedMean_CutLeavesNothingOrNegative_Throws(int trim, int count)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => OrderStatistics.TrimmedMean(new float[count], trim));
    }
}
