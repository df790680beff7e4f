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

    [Fact]
    public void VectorPath_UnderCiSwitches_IsTheOneTheRunAskedFor()
    {
        // .ci/run reruns this suite with SIMD off and with AVX-512 off; if a runtime switch stops working (as
        // DOTNET_EnableAVX512F did on .NET 10), that rerun would silently test the same path again.
        string? hardwareIntrinsics = Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic");
        string? avx512 = Environment.GetEnvironmentVariable("DOTNET_EnableAVX512");

        if (hardwareIntrinsics == "0")
        {
            Assert.Equal("Scalar", PeakFlops.VectorPath);
        }
        else if (avx512 == "0")
        {
            Assert.NotEqual("Vector512", PeakFlops.VectorPath);
        }
        else if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
        {
            Assert.Equal("Vector512", PeakFlops.VectorPath);
        }
    }
}
