using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FedSharp.Learning.Kernels;

public static partial class Gemm
{
    // Depth chunk of the dot-product path, a multiple of every vector width: the A and B rows of one chunk
    // (31 rows × 8 KB for conv1's weight gradient) stay in L2 while every row pair is formed.
    private const int DotDepthChunk = 2048;

    /// <summary>
    /// A·Bᵀ as dot products of rows wins when k is long against m: each C element then costs one horizontal sum,
    /// far less than transposing B into panels (n·k scattered stores) would.
    /// </summary>
    private static bool PrefersDotProducts(int m, int n, int k) => k >= 8 * m && k >= 4 * n;

    private static unsafe void MultiplyByDotProducts(int m, int n, int k, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        // Row-pair × four-row blocks; sums[r·4 + q] receives ⟨A row i+r, B row j+q⟩ over the chunk.
        float* sums = stackalloc float[8];
        for (int p0 = 0; p0 < k; p0 += DotDepthChunk)
        {
            int length = Math.Min(DotDepthChunk, k - p0);
            float chunkBeta = p0 == 0 ? beta : 1f;
            for (int i = 0; i < m; i += 2)
            {
                int rows = Math.Min(2, m - i);
                float* a0 = a + (nint)i * lda + p0;

                // Missing rows at an edge alias a valid one; their sums are computed and dropped.
                float* a1 = rows == 2 ? a0 + lda : a0;
                for (int j = 0; j < n; j += 4)
                {
                    int cols = Math.Min(4, n - j);
                    float* b0 = b + (nint)j * ldb + p0;
                    float* b1 = cols > 1 ? b0 + ldb : b0;
                    float* b2 = cols > 2 ? b0 + 2 * (nint)ldb : b0;
                    float* b3 = cols > 3 ? b0 + 3 * (nint)ldb : b0;
                    if (Vector512.IsHardwareAccelerated)
                    {
                        DotBlock512(length, a0, a1, b0, b1, b2, b3, sums);
                    }
                    else
                    {
                        DotBlock256(length, a0, a1, b0, b1, b2, b3, sums);
                    }

                    for (int r = 0; r < rows; r++)
                    {
                        float* target = c + (nint)(i + r) * ldc + j;
                        for (int q = 0; q < cols; q++)
                        {
                            float sum = sums[r * 4 + q];
                            target[q] = chunkBeta == 0f ? sum : sum + chunkBeta * target[q];
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// The eight dot products of two A rows with four B rows over <paramref name="length"/> floats, 16 lanes at a
    /// time. Per step: 6 loads feed 8 independent FMAs; lane l of accumulator rq sums the products at positions ≡ l
    /// (mod 16), and the horizontal sum at the end folds the lanes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void DotBlock512(int length, float* a0, float* a1, float* b0, float* b1, float* b2, float* b3, float* sums)
    {
        Vector512<float> s00 = Vector512<float>.Zero, s01 = Vector512<float>.Zero, s02 = Vector512<float>.Zero, s03 = Vector512<float>.Zero;
        Vector512<float> s10 = Vector512<float>.Zero, s11 = Vector512<float>.Zero, s12 = Vector512<float>.Zero, s13 = Vector512<float>.Zero;
        int p = 0;
        for (; p <= length - Vector512<float>.Count; p += Vector512<float>.Count)
        {
            Vector512<float> x0 = Vector512.Load(a0 + p);
            Vector512<float> x1 = Vector512.Load(a1 + p);
            Vector512<float> y = Vector512.Load(b0 + p);
            s00 = Vector512.MultiplyAddEstimate(x0, y, s00);
            s10 = Vector512.MultiplyAddEstimate(x1, y, s10);
            y = Vector512.Load(b1 + p);
            s01 = Vector512.MultiplyAddEstimate(x0, y, s01);
            s11 = Vector512.MultiplyAddEstimate(x1, y, s11);
            y = Vector512.Load(b2 + p);
            s02 = Vector512.MultiplyAddEstimate(x0, y, s02);
            s12 = Vector512.MultiplyAddEstimate(x1, y, s12);
            y = Vector512.Load(b3 + p);
            s03 = Vector512.MultiplyAddEstimate(x0, y, s03);
            s13 = Vector512.MultiplyAddEstimate(x1, y, s13);
        }

        sums[0] = Vector512.Sum(s00);
        sums[1] = Vector512.Sum(s01);
        sums[2] = Vector512.Sum(s02);
        sums[3] = Vector512.Sum(s03);
        sums[4] = Vector512.Sum(s10);
        sums[5] = Vector512.Sum(s11);
        sums[6] = Vector512.Sum(s12);
        sums[7] = Vector512.Sum(s13);
        DotTail(p, length, a0, a1, b0, b1, b2, b3, sums);
    }

    /// <summary>The 256-bit twin of <see cref="DotBlock512"/>, 8 lanes at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void DotBlock256(int length, float* a0, float* a1, float* b0, float* b1, float* b2, float* b3, float* sums)
    {
        Vector256<float> s00 = Vector256<float>.Zero, s01 = Vector256<float>.Zero, s02 = Vector256<float>.Zero, s03 = Vector256<float>.Zero;
        Vector256<float> s10 = Vector256<float>.Zero, s11 = Vector256<float>.Zero, s12 = Vector256<float>.Zero, s13 = Vector256<float>.Zero;
        int p = 0;
        for (; p <= length - Vector256<float>.Count; p += Vector256<float>.Count)
        {
            Vector256<float> x0 = Vector256.Load(a0 + p);
            Vector256<float> x1 = Vector256.Load(a1 + p);
            Vector256<float> y = Vector256.Load(b0 + p);
            s00 = Vector256.MultiplyAddEstimate(x0, y, s00);
            s10 = Vector256.MultiplyAddEstimate(x1, y, s10);
            y = Vector256.Load(b1 + p);
            s01 = Vector256.MultiplyAddEstimate(x0, y, s01);
            s11 = Vector256.MultiplyAddEstimate(x1, y, s11);
            y = Vector256.Load(b2 + p);
            s02 = Vector256.MultiplyAddEstimate(x0, y, s02);
            s12 = Vector256.MultiplyAddEstimate(x1, y, s12);
            y = Vector256.Load(b3 + p);
            s03 = Vector256.MultiplyAddEstimate(x0, y, s03);
            s13 = Vector256.MultiplyAddEstimate(x1, y, s13);
        }

        sums[0] = Vector256.Sum(s00);
        sums[1] = Vector256.Sum(s01);
        sums[2] = Vector256.Sum(s02);
        sums[3] = Vector256.Sum(s03);
        sums[4] = Vector256.Sum(s10);
        sums[5] = Vector256.Sum(s11);
        sums[6] = Vector256.Sum(s12);
        sums[7] = Vector256.Sum(s13);
        DotTail(p, length, a0, a1, b0, b1, b2, b3, sums);
    }

    // The last length mod width positions, fewer than one vector.
    private static unsafe void DotTail(int start, int length, float* a0, float* a1, float* b0, float* b1, float* b2, float* b3, float* sums)
    {
        for (int p = start; p < length; p++)
        {
            sums[0] += a0[p] * b0[p];
            sums[1] += a0[p] * b1[p];
            sums[2] += a0[p] * b2[p];
            sums[3] += a0[p] * b3[p];
            sums[4] += a1[p] * b0[p];
            sums[5] += a1[p] * b1[p];
            sums[6] += a1[p] * b2[p];
            sums[7] += a1[p] * b3[p];
        }
    }
}
