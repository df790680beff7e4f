using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FedSharp.Learning.Kernels;

/// <summary>
/// The single-thread floating-point peak of this core, the yardstick <see cref="Gemm"/> is measured against.
/// </summary>
public static class PeakFlops
{
    // FMAs per accumulator in one call of a Round method.
    private const int IterationsPerRound = 1024;

    // Rounds per timed sample: about 50 µs of work, long against a clock read and short against a scheduler slice.
    private const int RoundsPerSample = 16;

    // Twelve independent accumulators: FMA latency (4 cycles on Zen 4) times its issue rate (1 zmm or 2 ymm per
    // cycle) needs at least 8 in flight; 12 leave headroom and still fit in 16 registers.
    private const int Accumulators = 12;

    private static float s_sink;

    /// <summary>
    /// The GEMM path active in this process: "Vector512", "Vector256" or "Scalar" (no accelerated vectors, for example
    /// under <c>DOTNET_EnableHWIntrinsic=0</c>).
    /// </summary>
    public static string VectorPath => Gemm.ActivePath.ToString();

    /// <summary>
    /// Runs fused multiply-adds on the widest accelerated vector type for about <paramref name="duration"/> on the
    /// calling thread and returns the best rate seen over short samples, in GFLOP/s (one FMA lane counts as two
    /// operations). Taking the best sample, not the mean, keeps the figure the core's own peak even when other
    /// processes share the core and preempt some samples.
    /// </summary>
    /// <param name="duration">How long to measure; must be positive. 200 ms is enough for a stable figure.</param>
    public static double MeasureGflops(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);

        GemmPath path = Gemm.ActivePath;
        int lanes = path switch
        {
            GemmPath.Vector512 => Vector512<float>.Count,
            GemmPath.Vector256 => Vector256<float>.Count,
            _ => 1,
        };
        double flopsPerSample = 2.0 * Accumulators * lanes * IterationsPerRound * RoundsPerSample;
        long deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        double bestSeconds = double.MaxValue;
        do
        {
            long start = Stopwatch.GetTimestamp();
            for (int round = 0; round < RoundsPerSample; round++)
            {
                s_sink += path switch
                {
                    GemmPath.Vector512 => Round512(),
                    GemmPath.Vector256 => Round256(),
                    _ => RoundScalar(),
                };
            }

            bestSeconds = Math.Min(bestSeconds, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        while (Stopwatch.GetTimestamp() < deadline);

        return flopsPerSample / bestSeconds / 1e9;
    }

    // Each accumulator follows x ← x·0.999999 + 1e-6, which stays near its start value: no overflow, no denormals.
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static float Round512()
    {
        Vector512<float> scale = Vector512.Create(0.999999f), offset = Vector512.Create(1e-6f);
        Vector512<float> x0 = Vector512.Create(1f), x1 = x0, x2 = x0, x3 = x0, x4 = x0, x5 = x0;
        Vector512<float> x6 = x0, x7 = x0, x8 = x0, x9 = x0, x10 = x0, x11 = x0;
        for (int i = 0; i < IterationsPerRound; i++)
        {
            x0 = Vector512.FusedMultiplyAdd(x0, scale, offset);
            x1 = Vector512.FusedMultiplyAdd(x1, scale, offset);
            x2 = Vector512.FusedMultiplyAdd(x2, scale, offset);
            x3 = Vector512.FusedMultiplyAdd(x3, scale, offset);
            x4 = Vector512.FusedMultiplyAdd(x4, scale, offset);
            x5 = Vector512.FusedMultiplyAdd(x5, scale, offset);
            x6 = Vector512.FusedMultiplyAdd(x6, scale, offset);
            x7 = Vector512.FusedMultiplyAdd(x7, scale, offset);
            x8 = Vector512.FusedMultiplyAdd(x8, scale, offset);
            x9 = Vector512.FusedMultiplyAdd(x9, scale, offset);
            x10 = Vector512.FusedMultiplyAdd(x10, scale, offset);
            x11 = Vector512.FusedMultiplyAdd(x11, scale, offset);
        }

        return Vector512.Sum(x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static float Round256()
    {
        Vector256<float> scale = Vector256.Create(0.999999f), offset = Vector256.Create(1e-6f);
        Vector256<float> x0 = Vector256.Create(1f), x1 = x0, x2 = x0, x3 = x0, x4 = x0, x5 = x0;
        Vector256<float> x6 = x0, x7 = x0, x8 = x0, x9 = x0, x10 = x0, x11 = x0;
        for (int i = 0; i < IterationsPerRound; i++)
        {
            x0 = Vector256.MultiplyAddEstimate(x0, scale, offset);
            x1 = Vector256.MultiplyAddEstimate(x1, scale, offset);
            x2 = Vector256.MultiplyAddEstimate(x2, scale, offset);
            x3 = Vector256.MultiplyAddEstimate(x3, scale, offset);
            x4 = Vector256.MultiplyAddEstimate(x4, scale, offset);
            x5 = Vector256.MultiplyAddEstimate(x5, scale, offset);
            x6 = Vector256.MultiplyAddEstimate(x6, scale, offset);
            x7 = Vector256.MultiplyAddEstimate(x7, scale, offset);
            x8 = Vector256.MultiplyAddEstimate(x8, scale, offset);
            x9 = Vector256.MultiplyAddEstimate(x9, scale, offset);
            x10 = Vector256.MultiplyAddEstimate(x10, scale, offset);
            x11 = Vector256.MultiplyAddEstimate(x11, scale, offset);
        }

        return Vector256.Sum(x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static float RoundScalar()
    {
        float x0 = 1f, x1 = 1f, x2 = 1f, x3 = 1f, x4 = 1f, x5 = 1f, x6 = 1f, x7 = 1f, x8 = 1f, x9 = 1f, x10 = 1f, x11 = 1f;
        for (int i = 0; i < IterationsPerRound; i++)
        {
            x0 = x0 * 0.999999f + 1e-6f;
            x1 = x1 * 0.999999f + 1e-6f;
            x2 = x2 * 0.999999f + 1e-6f;
            x3 = x3 * 0.999999f + 1e-6f;
            x4 = x4 * 0.999999f + 1e-6f;
            x5 = x5 * 0.999999f + 1e-6f;
            x6 = x6 * 0.999999f + 1e-6f;
            x7 = x7 * 0.999999f + 1e-6f;
            x8 = x8 * 0.999999f + 1e-6f;
            x9 = x9 * 0.999999f + 1e-6f;
            x10 = x10 * 0.999999f + 1e-6f;
            x11 = x11 * 0.999999f + 1e-6f;
        }

        return x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11;
    }
}
