using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FedSharp.Learning.Kernels;

public static partial class Gemm
{
    // Depth chunk of the dot-product path, a multiple of every vector width. Longer chunks mean fewer horizontal
    // sums and masked edges; 4096 keeps the copied A rows (16 KB each) in L2 and, measured on Zen 4, beat 1024,
    // 2048 and 16384 for both simple-cnn weight gradients (k = 4096 and 36864).
    private const int DotDepthChunk = 4096;

    // Rows of A per dot-product block: 6×4 zmm accumulators plus 4 B vectors and 1 A vector use 29 of 32
    // registers; on 256-bit lanes 2×4 accumulators keep within AVX2's 16.
    private const int DotRows512 = 6;
    private const int DotRows256 = 2;

    /// <summary>
    /// A·Bᵀ as dot products of rows wins when k is long against m: each C element then costs one horizontal sum,
    /// far less than transposing B into panels (n·k scattered stores) would.
    /// </summary>
    private static bool PrefersDotProducts(int m, int n, int k) => k >= 8 * m && k >= 4 * n;

    private static unsafe void MultiplyByDotProducts(int m, int n, int k, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        int blockRows = Vector512.IsHardwareAccelerated ? DotRows512 : DotRows256;

        // The chunk's A rows are copied to aligned scratch so their loads never straddle cache lines; B is read in
        // place from position 0 of each chunk. Lane l of every accumulator therefore always sums the products at
        // positions ≡ l (mod vector width), whatever B's address: results must not depend on where the GC put a
        // buffer, or the same seed would not give bit-identical training. (Aligning B's loads by starting at its
        // cache-line phase made the lane assignment, and so the rounding, depend on the address.)
        const int LineFloats = 16;
        int copyStride = DotDepthChunk + LineFloats;
        float* aCopy = GemmScratch.Current.PackedA(m * copyStride + LineFloats);

        // sums[r·4 + q] receives ⟨A row i+r, B row j+q⟩ over the chunk.
        float* sums = stackalloc float[DotRows512 * 4];
        for (int p0 = 0; p0 < k; p0 += DotDepthChunk)
        {
            int length = Math.Min(DotDepthChunk, k - p0);
            float chunkBeta = p0 == 0 ? beta : 1f;
            for (int i = 0; i < m; i++)
            {
                new ReadOnlySpan<float>(a + (nint)i * lda + p0, length).CopyTo(new Span<float>(aCopy + (nint)i * copyStride, length));
            }

            // B is the large operand (im2col columns): each group of four B rows is loaded from memory once per
            // chunk and reused from L1 by every block of A rows, which stay in L2 for the whole chunk.
            for (int j = 0; j < n; j += 4)
            {
                int cols = Math.Min(4, n - j);
                float* b0 = b + (nint)j * ldb + p0;

                // Missing B rows at the edge alias a valid one; their sums are computed and dropped.
                float* b1 = cols > 1 ? b0 + ldb : b0;
                float* b2 = cols > 2 ? b0 + 2 * (nint)ldb : b0;
                float* b3 = cols > 3 ? b0 + 3 * (nint)ldb : b0;
                for (int i = 0; i < m; i += blockRows)
                {
                    int rows = Math.Min(blockRows, m - i);
                    DotBlock(rows, length, aCopy + (nint)i * copyStride, copyStride, b0, b1, b2, b3, sums);
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

    private static unsafe void DotBlock(int rows, int length, float* a, nint lda, float* b0, float* b1, float* b2, float* b3, float* sums)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            switch (rows)
            {
                case 6: DotBlock512<Rows6>(length, a, lda, b0, b1, b2, b3, sums); break;
                case 5: DotBlock512<Rows5>(length, a, lda, b0, b1, b2, b3, sums); break;
                case 4: DotBlock512<Rows4>(length, a, lda, b0, b1, b2, b3, sums); break;
                case 3: DotBlock512<Rows3>(length, a, lda, b0, b1, b2, b3, sums); break;
                case 2: DotBlock512<Rows2>(length, a, lda, b0, b1, b2, b3, sums); break;
                default: DotBlock512<Rows1>(length, a, lda, b0, b1, b2, b3, sums); break;
            }
        }
        else if (rows == 2)
        {
            DotBlock256<Rows2>(length, a, lda, b0, b1, b2, b3, sums);
        }
        else
        {
            DotBlock256<Rows1>(length, a, lda, b0, b1, b2, b3, sums);
        }
    }

    /// <summary>
    /// The dot products of <typeparamref name="TRows"/> A rows (stride <paramref name="lda"/>) with four B rows over
    /// <paramref name="length"/> floats, 16 lanes at a time from position 0, then a scalar tail. Per step: 4 + rows loads feed 4·rows independent FMAs;
    /// lane l of accumulator sRQ sums the products at positions ≡ l (mod 16), and the horizontal sum at the end folds
    /// the lanes. Scalar equivalent: sums[r·4 + q] = Σ_p a[r·lda + p] · bq[p].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void DotBlock512<TRows>(int length, float* a, nint lda, float* b0, float* b1, float* b2, float* b3, float* sums)
        where TRows : struct, IMicroRows
    {
        Vector512<float> s00 = Vector512<float>.Zero, s01 = Vector512<float>.Zero, s02 = Vector512<float>.Zero, s03 = Vector512<float>.Zero;
        Vector512<float> s10 = Vector512<float>.Zero, s11 = Vector512<float>.Zero, s12 = Vector512<float>.Zero, s13 = Vector512<float>.Zero;
        Vector512<float> s20 = Vector512<float>.Zero, s21 = Vector512<float>.Zero, s22 = Vector512<float>.Zero, s23 = Vector512<float>.Zero;
        Vector512<float> s30 = Vector512<float>.Zero, s31 = Vector512<float>.Zero, s32 = Vector512<float>.Zero, s33 = Vector512<float>.Zero;
        Vector512<float> s40 = Vector512<float>.Zero, s41 = Vector512<float>.Zero, s42 = Vector512<float>.Zero, s43 = Vector512<float>.Zero;
        Vector512<float> s50 = Vector512<float>.Zero, s51 = Vector512<float>.Zero, s52 = Vector512<float>.Zero, s53 = Vector512<float>.Zero;
        int p = 0;
        if (length >= Vector512<float>.Count)
        {
            for (p = 0; p <= length - Vector512<float>.Count; p += Vector512<float>.Count)
            {
                Vector512<float> y0 = Vector512.Load(b0 + p);
                Vector512<float> y1 = Vector512.Load(b1 + p);
                Vector512<float> y2 = Vector512.Load(b2 + p);
                Vector512<float> y3 = Vector512.Load(b3 + p);
                Vector512<float> x = Vector512.Load(a + p);
                s00 = Vector512.MultiplyAddEstimate(x, y0, s00);
                s01 = Vector512.MultiplyAddEstimate(x, y1, s01);
                s02 = Vector512.MultiplyAddEstimate(x, y2, s02);
                s03 = Vector512.MultiplyAddEstimate(x, y3, s03);
                if (TRows.Count > 1)
                {
                    x = Vector512.Load(a + 1 * lda + p);
                    s10 = Vector512.MultiplyAddEstimate(x, y0, s10);
                    s11 = Vector512.MultiplyAddEstimate(x, y1, s11);
                    s12 = Vector512.MultiplyAddEstimate(x, y2, s12);
                    s13 = Vector512.MultiplyAddEstimate(x, y3, s13);
                }

                if (TRows.Count > 2)
                {
                    x = Vector512.Load(a + 2 * lda + p);
                    s20 = Vector512.MultiplyAddEstimate(x, y0, s20);
                    s21 = Vector512.MultiplyAddEstimate(x, y1, s21);
                    s22 = Vector512.MultiplyAddEstimate(x, y2, s22);
                    s23 = Vector512.MultiplyAddEstimate(x, y3, s23);
                }

                if (TRows.Count > 3)
                {
                    x = Vector512.Load(a + 3 * lda + p);
                    s30 = Vector512.MultiplyAddEstimate(x, y0, s30);
                    s31 = Vector512.MultiplyAddEstimate(x, y1, s31);
                    s32 = Vector512.MultiplyAddEstimate(x, y2, s32);
                    s33 = Vector512.MultiplyAddEstimate(x, y3, s33);
                }

                if (TRows.Count > 4)
                {
                    x = Vector512.Load(a + 4 * lda + p);
                    s40 = Vector512.MultiplyAddEstimate(x, y0, s40);
                    s41 = Vector512.MultiplyAddEstimate(x, y1, s41);
                    s42 = Vector512.MultiplyAddEstimate(x, y2, s42);
                    s43 = Vector512.MultiplyAddEstimate(x, y3, s43);
                }

                if (TRows.Count > 5)
                {
                    x = Vector512.Load(a + 5 * lda + p);
                    s50 = Vector512.MultiplyAddEstimate(x, y0, s50);
                    s51 = Vector512.MultiplyAddEstimate(x, y1, s51);
                    s52 = Vector512.MultiplyAddEstimate(x, y2, s52);
                    s53 = Vector512.MultiplyAddEstimate(x, y3, s53);
                }
            }

            if (p < length)
            {
                // The last vector ends at length; its first lanes were counted by the body and are masked out.
                Vector512<float> keep = Vector512.GreaterThanOrEqual(Vector512<int>.Indices, Vector512.Create(p - length + Vector512<float>.Count)).AsSingle();
                int last = length - Vector512<float>.Count;
                Vector512<float> y0 = Vector512.Load(b0 + last) & keep;
                Vector512<float> y1 = Vector512.Load(b1 + last) & keep;
                Vector512<float> y2 = Vector512.Load(b2 + last) & keep;
                Vector512<float> y3 = Vector512.Load(b3 + last) & keep;
                Vector512<float> x = Vector512.Load(a + last);
                s00 = Vector512.MultiplyAddEstimate(x, y0, s00);
                s01 = Vector512.MultiplyAddEstimate(x, y1, s01);
                s02 = Vector512.MultiplyAddEstimate(x, y2, s02);
                s03 = Vector512.MultiplyAddEstimate(x, y3, s03);
                if (TRows.Count > 1)
                {
                    x = Vector512.Load(a + 1 * lda + last);
                    s10 = Vector512.MultiplyAddEstimate(x, y0, s10);
                    s11 = Vector512.MultiplyAddEstimate(x, y1, s11);
                    s12 = Vector512.MultiplyAddEstimate(x, y2, s12);
                    s13 = Vector512.MultiplyAddEstimate(x, y3, s13);
                }

                if (TRows.Count > 2)
                {
                    x = Vector512.Load(a + 2 * lda + last);
                    s20 = Vector512.MultiplyAddEstimate(x, y0, s20);
                    s21 = Vector512.MultiplyAddEstimate(x, y1, s21);
                    s22 = Vector512.MultiplyAddEstimate(x, y2, s22);
                    s23 = Vector512.MultiplyAddEstimate(x, y3, s23);
                }

                if (TRows.Count > 3)
                {
                    x = Vector512.Load(a + 3 * lda + last);
                    s30 = Vector512.MultiplyAddEstimate(x, y0, s30);
                    s31 = Vector512.MultiplyAddEstimate(x, y1, s31);
                    s32 = Vector512.MultiplyAddEstimate(x, y2, s32);
                    s33 = Vector512.MultiplyAddEstimate(x, y3, s33);
                }

                if (TRows.Count > 4)
                {
                    x = Vector512.Load(a + 4 * lda + last);
                    s40 = Vector512.MultiplyAddEstimate(x, y0, s40);
                    s41 = Vector512.MultiplyAddEstimate(x, y1, s41);
                    s42 = Vector512.MultiplyAddEstimate(x, y2, s42);
                    s43 = Vector512.MultiplyAddEstimate(x, y3, s43);
                }

                if (TRows.Count > 5)
                {
                    x = Vector512.Load(a + 5 * lda + last);
                    s50 = Vector512.MultiplyAddEstimate(x, y0, s50);
                    s51 = Vector512.MultiplyAddEstimate(x, y1, s51);
                    s52 = Vector512.MultiplyAddEstimate(x, y2, s52);
                    s53 = Vector512.MultiplyAddEstimate(x, y3, s53);
                }
                p = length;
            }
        }

        sums[0] = Vector512.Sum(s00);
        sums[1] = Vector512.Sum(s01);
        sums[2] = Vector512.Sum(s02);
        sums[3] = Vector512.Sum(s03);
        if (TRows.Count > 1)
        {
            sums[4] = Vector512.Sum(s10);
            sums[5] = Vector512.Sum(s11);
            sums[6] = Vector512.Sum(s12);
            sums[7] = Vector512.Sum(s13);
        }

        if (TRows.Count > 2)
        {
            sums[8] = Vector512.Sum(s20);
            sums[9] = Vector512.Sum(s21);
            sums[10] = Vector512.Sum(s22);
            sums[11] = Vector512.Sum(s23);
        }

        if (TRows.Count > 3)
        {
            sums[12] = Vector512.Sum(s30);
            sums[13] = Vector512.Sum(s31);
            sums[14] = Vector512.Sum(s32);
            sums[15] = Vector512.Sum(s33);
        }

        if (TRows.Count > 4)
        {
            sums[16] = Vector512.Sum(s40);
            sums[17] = Vector512.Sum(s41);
            sums[18] = Vector512.Sum(s42);
            sums[19] = Vector512.Sum(s43);
        }

        if (TRows.Count > 5)
        {
            sums[20] = Vector512.Sum(s50);
            sums[21] = Vector512.Sum(s51);
            sums[22] = Vector512.Sum(s52);
            sums[23] = Vector512.Sum(s53);
        }

        DotTail(TRows.Count, p, length, a, lda, b0, b1, b2, b3, sums);
    }

    /// <summary>The 256-bit twin of <see cref="DotBlock512{TRows}"/>, 8 lanes at a time, for 1 or 2 rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void DotBlock256<TRows>(int length, float* a, nint lda, float* b0, float* b1, float* b2, float* b3, float* sums)
        where TRows : struct, IMicroRows
    {
        Vector256<float> s00 = Vector256<float>.Zero, s01 = Vector256<float>.Zero, s02 = Vector256<float>.Zero, s03 = Vector256<float>.Zero;
        Vector256<float> s10 = Vector256<float>.Zero, s11 = Vector256<float>.Zero, s12 = Vector256<float>.Zero, s13 = Vector256<float>.Zero;
        int p = 0;
        if (length >= Vector256<float>.Count)
        {
            for (p = 0; p <= length - Vector256<float>.Count; p += Vector256<float>.Count)
            {
                Vector256<float> y0 = Vector256.Load(b0 + p);
                Vector256<float> y1 = Vector256.Load(b1 + p);
                Vector256<float> y2 = Vector256.Load(b2 + p);
                Vector256<float> y3 = Vector256.Load(b3 + p);
                Vector256<float> x = Vector256.Load(a + p);
                s00 = Vector256.MultiplyAddEstimate(x, y0, s00);
                s01 = Vector256.MultiplyAddEstimate(x, y1, s01);
                s02 = Vector256.MultiplyAddEstimate(x, y2, s02);
                s03 = Vector256.MultiplyAddEstimate(x, y3, s03);
                if (TRows.Count > 1)
                {
                    x = Vector256.Load(a + 1 * lda + p);
                    s10 = Vector256.MultiplyAddEstimate(x, y0, s10);
                    s11 = Vector256.MultiplyAddEstimate(x, y1, s11);
                    s12 = Vector256.MultiplyAddEstimate(x, y2, s12);
                    s13 = Vector256.MultiplyAddEstimate(x, y3, s13);
                }
            }

            if (p < length)
            {
                // The last vector ends at length; its first lanes were counted by the body and are masked out.
                Vector256<float> keep = Vector256.GreaterThanOrEqual(Vector256<int>.Indices, Vector256.Create(p - length + Vector256<float>.Count)).AsSingle();
                int last = length - Vector256<float>.Count;
                Vector256<float> y0 = Vector256.Load(b0 + last) & keep;
                Vector256<float> y1 = Vector256.Load(b1 + last) & keep;
                Vector256<float> y2 = Vector256.Load(b2 + last) & keep;
                Vector256<float> y3 = Vector256.Load(b3 + last) & keep;
                Vector256<float> x = Vector256.Load(a + last);
                s00 = Vector256.MultiplyAddEstimate(x, y0, s00);
                s01 = Vector256.MultiplyAddEstimate(x, y1, s01);
                s02 = Vector256.MultiplyAddEstimate(x, y2, s02);
                s03 = Vector256.MultiplyAddEstimate(x, y3, s03);
                if (TRows.Count > 1)
                {
                    x = Vector256.Load(a + 1 * lda + last);
                    s10 = Vector256.MultiplyAddEstimate(x, y0, s10);
                    s11 = Vector256.MultiplyAddEstimate(x, y1, s11);
                    s12 = Vector256.MultiplyAddEstimate(x, y2, s12);
                    s13 = Vector256.MultiplyAddEstimate(x, y3, s13);
                }
                p = length;
            }
        }

        sums[0] = Vector256.Sum(s00);
        sums[1] = Vector256.Sum(s01);
        sums[2] = Vector256.Sum(s02);
        sums[3] = Vector256.Sum(s03);
        if (TRows.Count > 1)
        {
            sums[4] = Vector256.Sum(s10);
            sums[5] = Vector256.Sum(s11);
            sums[6] = Vector256.Sum(s12);
            sums[7] = Vector256.Sum(s13);
        }

        DotTail(TRows.Count, p, length, a, lda, b0, b1, b2, b3, sums);
    }

    // Products of rows shorter than one vector.
    private static unsafe void DotTail(int rows, int start, int end, float* a, nint lda, float* b0, float* b1, float* b2, float* b3, float* sums)
    {
        for (int r = 0; r < rows; r++)
        {
            float* row = a + r * lda;
            float* rowSums = sums + r * 4;
            for (int p = start; p < end; p++)
            {
                rowSums[0] += row[p] * b0[p];
                rowSums[1] += row[p] * b1[p];
                rowSums[2] += row[p] * b2[p];
                rowSums[3] += row[p] * b3[p];
            }
        }
    }
}
