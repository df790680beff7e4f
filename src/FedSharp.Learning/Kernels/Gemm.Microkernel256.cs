using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FedSharp.Learning.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// C[0..6, 0..16] = Σ_p a[p·6 + r] · b[p·bStride + j] (+ beta·C): the packed path's inner loop on 256-bit lanes, used when AVX-512 is absent or disabled.
    /// </summary>
    /// <remarks>
    /// Register layout: cR0 holds columns 0..7 and cR1 columns 8..15 of row R; 12 accumulators, two B vectors and
    /// one broadcast of A use 15 of the 16 ymm registers AVX2 has. Per p: 2 loads, 6 broadcasts and 12 independent FMAs,
    /// so the loop is bound by FMA throughput, not by loads. Scalar equivalent: the triple loop of GemmScalar over
    /// a 6×16 tile.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Microkernel256(int kc, float* a, float* b, nint bStride, float* c, nint ldc, float beta)
    {
        Vector256<float> c00 = Vector256<float>.Zero, c01 = Vector256<float>.Zero;
        Vector256<float> c10 = Vector256<float>.Zero, c11 = Vector256<float>.Zero;
        Vector256<float> c20 = Vector256<float>.Zero, c21 = Vector256<float>.Zero;
        Vector256<float> c30 = Vector256<float>.Zero, c31 = Vector256<float>.Zero;
        Vector256<float> c40 = Vector256<float>.Zero, c41 = Vector256<float>.Zero;
        Vector256<float> c50 = Vector256<float>.Zero, c51 = Vector256<float>.Zero;
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(b);
            Vector256<float> b1 = Vector256.Load(b + Vector256<float>.Count);
            Vector256<float> ar = Vector256.Create(a[0]);
            c00 = Vector256.MultiplyAddEstimate(ar, b0, c00);
            c01 = Vector256.MultiplyAddEstimate(ar, b1, c01);
            ar = Vector256.Create(a[1]);
            c10 = Vector256.MultiplyAddEstimate(ar, b0, c10);
            c11 = Vector256.MultiplyAddEstimate(ar, b1, c11);
            ar = Vector256.Create(a[2]);
            c20 = Vector256.MultiplyAddEstimate(ar, b0, c20);
            c21 = Vector256.MultiplyAddEstimate(ar, b1, c21);
            ar = Vector256.Create(a[3]);
            c30 = Vector256.MultiplyAddEstimate(ar, b0, c30);
            c31 = Vector256.MultiplyAddEstimate(ar, b1, c31);
            ar = Vector256.Create(a[4]);
            c40 = Vector256.MultiplyAddEstimate(ar, b0, c40);
            c41 = Vector256.MultiplyAddEstimate(ar, b1, c41);
            ar = Vector256.Create(a[5]);
            c50 = Vector256.MultiplyAddEstimate(ar, b0, c50);
            c51 = Vector256.MultiplyAddEstimate(ar, b1, c51);
            a += MicroRows;
            b += bStride;
        }

        StoreRow256(c00, c01, c, beta);
        StoreRow256(c10, c11, c + ldc, beta);
        StoreRow256(c20, c21, c + 2 * ldc, beta);
        StoreRow256(c30, c31, c + 3 * ldc, beta);
        StoreRow256(c40, c41, c + 4 * ldc, beta);
        StoreRow256(c50, c51, c + 5 * ldc, beta);
    }

    // beta 0 must not read C: its old contents may be NaN and 0·NaN is NaN.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreRow256(Vector256<float> low, Vector256<float> high, float* c, float beta)
    {
        if (beta != 0f)
        {
            Vector256<float> scale = Vector256.Create(beta);
            low = Vector256.MultiplyAddEstimate(Vector256.Load(c), scale, low);
            high = Vector256.MultiplyAddEstimate(Vector256.Load(c + Vector256<float>.Count), scale, high);
        }

        low.Store(c);
        high.Store(c + Vector256<float>.Count);
    }
}
