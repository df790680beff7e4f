using FedSharp.Learning.Kernels;

namespace FedSharp.Learning.Tests.Kernels;

public sealed class PeakFlopsTests
{
    [Fact]
    public void MeasureGflops_ShortRun_ReturnsPositiveFiniteRate()
    {
        double gflops = PeakFlops.MeasureGflops(TimeSpan.FromMilliseconds(20));

        Assert.True(double.IsFinite(gflops) && gflops > 0, $"Peak was {gflops} GFLOP/s.");
    }

    [Fact]
    public void MeasureGflops_NonPositiveDuration_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PeakFlops.MeasureGflops(TimeSpan.Zero));
    }

    [Fact]
    public void VectorPath_MatchesHardwareAcceleration()
    {
        string expected = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "Vector512"
            : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "Vector256"
            : "Scalar";

        Assert.Equal(expected, PeakFlops.VectorPath);
    }
}
