using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FedSharp.Learning.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// C[0..rows, 0..16] = Σ_p a[p·8 + r] · b[p·bStride + j]: the microkernel for a last panel of at most 16 columns,
    /// one 512-bit vector per row instead of two, so a narrow C (10 classes, say) does half the wasted work. It
    /// always overwrites its destination: the caller passes the edge tile and merges with beta itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void NarrowMicrokernel512<TRows>(int kc, float* a, float* b, nint bStride, float* c, nint ldc)
        where TRows : struct, IMicroRows
    {
        Vector512<float> c0 = Vector512<float>.Zero;
        Vector512<float> c1 = Vector512<float>.Zero;
        Vector512<float> c2 = Vector512<float>.Zero;
        Vector512<float> c3 = Vector512<float>.Zero;
        Vector512<float> c4 = Vector512<float>.Zero;
        Vector512<float> c5 = Vector512<float>.Zero;
        Vector512<float> c6 = Vector512<float>.Zero;
        Vector512<float> c7 = Vector512<float>.Zero;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b);
            c0 = Vector512.MultiplyAddEstimate(Vector512.Create(a[0]), b0, c0);
            if (TRows.Count > 1)
            {
                c1 = Vector512.MultiplyAddEstimate(Vector512.Create(a[1]), b0, c1);
            }

            if (TRows.Count > 2)
            {
                c2 = Vector512.MultiplyAddEstimate(Vector512.Create(a[2]), b0, c2);
            }

            if (TRows.Count > 3)
            {
                c3 = Vector512.MultiplyAddEstimate(Vector512.Create(a[3]), b0, c3);
            }

            if (TRows.Count > 4)
            {
                c4 = Vector512.MultiplyAddEstimate(Vector512.Create(a[4]), b0, c4);
            }

            if (TRows.Count > 5)
            {
                c5 = Vector512.MultiplyAddEstimate(Vector512.Create(a[5]), b0, c5);
            }

            if (TRows.Count > 6)
            {
                c6 = Vector512.MultiplyAddEstimate(Vector512.Create(a[6]), b0, c6);
            }

            if (TRows.Count > 7)
            {
                c7 = Vector512.MultiplyAddEstimate(Vector512.Create(a[7]), b0, c7);
            }

            a += PanelRows512;
            b += bStride;
        }

        c0.Store(c);
        if (TRows.Count > 1)
        {
            c1.Store(c + 1 * ldc);
        }

        if (TRows.Count > 2)
        {
            c2.Store(c + 2 * ldc);
        }

        if (TRows.Count > 3)
        {
            c3.Store(c + 3 * ldc);
        }

        if (TRows.Count > 4)
        {
            c4.Store(c + 4 * ldc);
        }

        if (TRows.Count > 5)
        {
            c5.Store(c + 5 * ldc);
        }

        if (TRows.Count > 6)
        {
            c6.Store(c + 6 * ldc);
        }

        if (TRows.Count > 7)
        {
            c7.Store(c + 7 * ldc);
        }
    }
}
