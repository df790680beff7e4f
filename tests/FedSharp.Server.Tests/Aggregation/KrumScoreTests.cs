using FedSharp.Server.Aggregation;

namespace FedSharp.Server.Tests.Aggregation;

public sealed class KrumScoreTests
{
    [Fact]
    public void Compute_FourPointsOnALine_SumsTheNearestSquaredDistances()
    {
        // Points 0, 1, 2 and 10 on a line; squared distances below. With n = 4, f = 0 each score sums n − f − 2 = 2.
        double[] distances =
        [
            0, 1, 4, 100,
            1, 0, 1, 81,
            4, 1, 0, 64,
            100, 81, 64, 0,
        ];
        double[] scores = new double[4];

        KrumScore.Compute(distances, 4, 2, new double[3], scores);

        // 0: 1 + 4; 1: 1 + 1; 2: 1 + 4; 10: 64 + 81.
        Assert.Equal([5d, 2d, 5d, 145d], scores);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public void Compute_NeighboursOutsideOneToNMinusOne_Throws(int neighbours)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => KrumScore.Compute(new double[16], 4, neighbours, new double[3], new double[4]));
    }

    [Fact]
    public void Compute_SpansTooShort_Throws()
    {
        Assert.Throws<ArgumentException>(() => KrumScore.Compute(new double[15], 4, 2, new double[3], new double[4]));
    }
}
