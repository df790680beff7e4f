using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FedSharp.Learning.Kernels;

public static partial class Gemm
{
    // Rows of a packed A micro-panel on the 512-bit path.
    private const int PanelRows512 = 8;

    /// <summary>
    /// C[0..rows, 0..32] = Σ_p a[p·8 + r] · b[p·bStride + j] (+ beta·C): the packed path's inner loop on 512-bit
    /// lanes, for <typeparamref name="TRows"/> (1 to 8) rows of C.
    /// </summary>
    /// <remarks>
    /// Register layout: cR0 holds columns 0..15 and cR1 columns 16..31 of row R; at 8 rows, 16 accumulators, two B
    /// vectors and one broadcast of A use 19 of the 32 zmm registers. Per p: 2 loads, 8 broadcasts and 16
    /// independent FMAs, so the loop is bound by FMA throughput, not by loads. The row count is a type argument so
    /// the JIT compiles one loop per count with the unused rows removed. Scalar equivalent: the triple loop of
    /// GemmScalar over a rows×32 tile.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Microkernel512<TRows>(int kc, float* a, float* b, nint bStride, float* c, nint ldc, float beta)
        where TRows : struct, IMicroRows
    {
        Vector512<float> c00 = Vector512<float>.Zero, c01 = Vector512<float>.Zero;
        Vector512<float> c10 = Vector512<float>.Zero, c11 = Vector512<float>.Zero;
        Vector512<float> c20 = Vector512<float>.Zero, c21 = Vector512<float>.Zero;
        Vector512<float> c30 = Vector512<float>.Zero, c31 = Vector512<float>.Zero;
        Vector512<float> c40 = Vector512<float>.Zero, c41 = Vector512<float>.Zero;
        Vector512<float> c50 = Vector512<float>.Zero, c51 = Vector512<float>.Zero;
        Vector512<float> c60 = Vector512<float>.Zero, c61 = Vector512<float>.Zero;
        Vector512<float> c70 = Vector512<float>.Zero, c71 = Vector512<float>.Zero;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + Vector512<float>.Count);
            Vector512<float> ar = Vector512.Create(a[0]);
            c00 = Vector512.MultiplyAddEstimate(ar, b0, c00);
            c01 = Vector512.MultiplyAddEstimate(ar, b1, c01);
            if (TRows.Count > 1)
            {
                ar = Vector512.Create(a[1]);
                c10 = Vector512.MultiplyAddEstimate(ar, b0, c10);
                c11 = Vector512.MultiplyAddEstimate(ar, b1, c11);
            }

            if (TRows.Count > 2)
            {
                ar = Vector512.Create(a[2]);
                c20 = Vector512.MultiplyAddEstimate(ar, b0, c20);
                c21 = Vector512.MultiplyAddEstimate(ar, b1, c21);
            }

            if (TRows.Count > 3)
            {
                ar = Vector512.Create(a[3]);
                c30 = Vector512.MultiplyAddEstimate(ar, b0, c30);
                c31 = Vector512.MultiplyAddEstimate(ar, b1, c31);
            }

            if (TRows.Count > 4)
            {
                ar = Vector512.Create(a[4]);
                c40 = Vector512.MultiplyAddEstimate(ar, b0, c40);
                c41 = Vector512.MultiplyAddEstimate(ar, b1, c41);
            }

            if (TRows.Count > 5)
            {
                ar = Vector512.Create(a[5]);
                c50 = Vector512.MultiplyAddEstimate(ar, b0, c50);
                c51 = Vector512.MultiplyAddEstimate(ar, b1, c51);
            }

            if (TRows.Count > 6)
            {
                ar = Vector512.Create(a[6]);
                c60 = Vector512.MultiplyAddEstimate(ar, b0, c60);
                c61 = Vector512.MultiplyAddEstimate(ar, b1, c61);
            }

            if (TRows.Count > 7)
            {
                ar = Vector512.Create(a[7]);
                c70 = Vector512.MultiplyAddEstimate(ar, b0, c70);
                c71 = Vector512.MultiplyAddEstimate(ar, b1, c71);
            }

            a += PanelRows512;
            b += bStride;
        }

        StoreRow512(c00, c01, c, beta);
        if (TRows.Count > 1)
        {
            StoreRow512(c10, c11, c + 1 * ldc, beta);
        }

        if (TRows.Count > 2)
        {
            StoreRow512(c20, c21, c + 2 * ldc, beta);
        }

        if (TRows.Count > 3)
        {
            StoreRow512(c30, c31, c + 3 * ldc, beta);
        }

        if (TRows.Count > 4)
        {
            StoreRow512(c40, c41, c + 4 * ldc, beta);
        }

        if (TRows.Count > 5)
        {
            StoreRow512(c50, c51, c + 5 * ldc, beta);
        }

        if (TRows.Count > 6)
        {
            StoreRow512(c60, c61, c + 6 * ldc, beta);
        }

        if (TRows.Count > 7)
        {
            StoreRow512(c70, c71, c + 7 * ldc, beta);
        }
    }

    // beta 0 must not read C: its old contents may be NaN and 0·NaN is NaN.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreRow512(Vector512<float> low, Vector512<float> high, float* c, float beta)
    {
        if (beta != 0f)
        {
            Vector512<float> scale = Vector512.Create(beta);
            low = Vector512.MultiplyAddEstimate(Vector512.Load(c), scale, low);
            high = Vector512.MultiplyAddEstimate(Vector512.Load(c + Vector512<float>.Count), scale, high);
        }

        low.Store(c);
        high.Store(c + Vector512<float>.Count);
    }
}
