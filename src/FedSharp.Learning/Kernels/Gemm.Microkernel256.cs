using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FedSharp.Learning.Kernels;

public static partial class Gemm
{
    // Rows of a packed A micro-panel on the 256-bit path.
    private const int PanelRows256 = 6;

    /// <summary>
    /// C[0..rows, 0..16] = Σ_p a[p·6 + r] · b[p·bStride + j] (+ beta·C): the packed path's inner loop on 256-bit
    /// lanes, for <typeparamref name="TRows"/> (1 to 6) rows of C.
    /// </summary>
    /// <remarks>
    /// Register layout: cR0 holds columns 0..7 and cR1 columns 8..15 of row R; at 6 rows, 12 accumulators, two B
    /// vectors and one broadcast of A use 15 of the 16 ymm registers AVX2 has. Per p: 2 loads, 6 broadcasts and 12
    /// independent FMAs, so the loop is bound by FMA throughput, not by loads. The row count is a type argument so
    /// the JIT compiles one loop per count with the unused rows removed. Scalar equivalent: the triple loop of
    /// GemmScalar over a rows×16 tile.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Microkernel256<TRows>(int kc, float* a, float* b, nint bStride, float* c, nint ldc, float beta)
        where TRows : struct, IMicroRows
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
            if (TRows.Count > 1)
            {
                ar = Vector256.Create(a[1]);
                c10 = Vector256.MultiplyAddEstimate(ar, b0, c10);
                c11 = Vector256.MultiplyAddEstimate(ar, b1, c11);
            }

            if (TRows.Count > 2)
            {
                ar = Vector256.Create(a[2]);
                c20 = Vector256.MultiplyAddEstimate(ar, b0, c20);
                c21 = Vector256.MultiplyAddEstimate(ar, b1, c21);
            }

            if (TRows.Count > 3)
            {
                ar = Vector256.Create(a[3]);
                c30 = Vector256.MultiplyAddEstimate(ar, b0, c30);
                c31 = Vector256.MultiplyAddEstimate(ar, b1, c31);
            }

            if (TRows.Count > 4)
            {
                ar = Vector256.Create(a[4]);
                c40 = Vector256.MultiplyAddEstimate(ar, b0, c40);
                c41 = Vector256.MultiplyAddEstimate(ar, b1, c41);
            }

            if (TRows.Count > 5)
            {
                ar = Vector256.Create(a[5]);
                c50 = Vector256.MultiplyAddEstimate(ar, b0, c50);
                c51 = Vector256.MultiplyAddEstimate(ar, b1, c51);
            }

            a += PanelRows256;
            b += bStride;
        }

        StoreRow256(c00, c01, c, beta);
        if (TRows.Count > 1)
        {
            StoreRow256(c10, c11, c + 1 * ldc, beta);
        }

        if (TRows.Count > 2)
        {
            StoreRow256(c20, c21, c + 2 * ldc, beta);
        }

        if (TRows.Count > 3)
        {
            StoreRow256(c30, c31, c + 3 * ldc, beta);
        }

        if (TRows.Count > 4)
        {
            StoreRow256(c40, c41, c + 4 * ldc, beta);
        }

        if (TRows.Count > 5)
        {
            StoreRow256(c50, c51, c + 5 * ldc, beta);
        }
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
