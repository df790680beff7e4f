using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FedSharp.Learning.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// C[0..rows, 0..8] = Σ_p a[p·6 + r] · b[p·bStride + j]: the microkernel for a last panel of at most 8 columns,
    /// one 256-bit vector per row instead of two, so a narrow C (10 classes, say) does half the wasted work. It
    /// always overwrites its destination: the caller passes the edge tile and merges with beta itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void NarrowMicrokernel256<TRows>(int kc, float* a, float* b, nint bStride, float* c, nint ldc)
        where TRows : struct, IMicroRows
    {
        Vector256<float> c0 = Vector256<float>.Zero;
        Vector256<float> c1 = Vector256<float>.Zero;
        Vector256<float> c2 = Vector256<float>.Zero;
        Vector256<float> c3 = Vector256<float>.Zero;
        Vector256<float> c4 = Vector256<float>.Zero;
        Vector256<float> c5 = Vector256<float>.Zero;
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(b);
            c0 = Vector256.MultiplyAddEstimate(Vector256.Create(a[0]), b0, c0);
            if (TRows.Count > 1)
            {
                c1 = Vector256.MultiplyAddEstimate(Vector256.Create(a[1]), b0, c1);
            }

            if (TRows.Count > 2)
            {
                c2 = Vector256.MultiplyAddEstimate(Vector256.Create(a[2]), b0, c2);
            }

            if (TRows.Count > 3)
            {
                c3 = Vector256.MultiplyAddEstimate(Vector256.Create(a[3]), b0, c3);
            }

            if (TRows.Count > 4)
            {
                c4 = Vector256.MultiplyAddEstimate(Vector256.Create(a[4]), b0, c4);
            }

            if (TRows.Count > 5)
            {
                c5 = Vector256.MultiplyAddEstimate(Vector256.Create(a[5]), b0, c5);
            }

            a += PanelRows256;
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
    }
}
