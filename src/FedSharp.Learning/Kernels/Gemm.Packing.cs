using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FedSharp.Learning.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// Copies op(A)[i0..i0+mc, p0..p0+kc] into micro-panels of <see cref="MicroRows"/> rows: panel q holds, for each
    /// p in order, the MicroRows values op(A)[i0 + q·MicroRows + r, p0 + p]. Rows past mc are zero, so the
    /// microkernel never needs a row count.
    /// </summary>
    private static unsafe void PackA(bool transposeA, float* a, int lda, int i0, int mc, int p0, int kc, float* destination)
    {
        int mr = MicroRows;
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            float* panel = destination + (nint)ir * kc;
            if (transposeA)
            {
                // A is stored k×m, so the values one p needs are adjacent: copy a short run per p.
                if (rows == 8 && mr == 8 && Vector256.IsHardwareAccelerated)
                {
                    float* source = a + (nint)p0 * lda + i0 + ir;
                    for (int p = 0; p < kc; p++, source += lda)
                    {
                        Vector256.Load(source).Store(panel + (nint)p * 8);
                    }

                    continue;
                }

                for (int p = 0; p < kc; p++)
                {
                    float* source = a + (nint)(p0 + p) * lda + i0 + ir;
                    float* target = panel + (nint)p * mr;
                    int r = 0;
                    for (; r < rows; r++)
                    {
                        target[r] = source[r];
                    }

                    for (; r < mr; r++)
                    {
                        target[r] = 0f;
                    }
                }
            }
            else if (rows == 8 && mr == 8 && Avx.IsSupported)
            {
                // Eight A rows × eight depths transpose in registers into eight panel rows of 8 values.
                float* source = a + (nint)(i0 + ir) * lda + p0;
                int wholeDepth = kc - kc % 8;
                for (int p = 0; p < wholeDepth; p += 8)
                {
                    Transpose8x8(source + p, lda, panel + (nint)p * 8, 8);
                }

                for (int p = wholeDepth; p < kc; p++)
                {
                    for (int r = 0; r < 8; r++)
                    {
                        panel[(nint)p * 8 + r] = source[(nint)r * lda + p];
                    }
                }
            }
            else
            {
                for (int r = 0; r < mr; r++)
                {
                    float* target = panel + r;
                    if (r < rows)
                    {
                        float* source = a + (nint)(i0 + ir + r) * lda + p0;
                        for (int p = 0; p < kc; p++)
                        {
                            target[(nint)p * mr] = source[p];
                        }
                    }
                    else
                    {
                        for (int p = 0; p < kc; p++)
                        {
                            target[(nint)p * mr] = 0f;
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Copies op(B)[p0..p0+kc, j0..j0+nc] into micro-panels of <paramref name="nr"/> columns: panel q holds, for
    /// each p in order, the nr values op(B)[p0 + p, j0 + q·nr + j]. Columns past nc are zero.
    /// </summary>
    private static unsafe void PackB(bool transposeB, float* b, int ldb, int p0, int kc, int j0, int nc, float* destination, int nr)
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            float* panel = destination + (nint)jr * kc;
            if (!transposeB)
            {
                for (int p = 0; p < kc; p++)
                {
                    Span<float> target = new(panel + (nint)p * nr, nr);
                    new ReadOnlySpan<float>(b + (nint)(p0 + p) * ldb + j0 + jr, cols).CopyTo(target);
                    target[cols..].Clear();
                }
            }
            else
            {
                // B is stored n×k: whole 8×8 blocks are transposed in registers, the ragged rest element by element.
                int transposedColumns = 0;
                if (Avx.IsSupported)
                {
                    int wholeDepth = kc - kc % 8;
                    for (; transposedColumns + 8 <= cols; transposedColumns += 8)
                    {
                        float* source = b + (nint)(j0 + jr + transposedColumns) * ldb + p0;
                        float* target = panel + transposedColumns;
                        for (int p = 0; p < wholeDepth; p += 8)
                        {
                            Transpose8x8(source + p, ldb, target + (nint)p * nr, nr);
                        }

                        for (int p = wholeDepth; p < kc; p++)
                        {
                            for (int j = 0; j < 8; j++)
                            {
                                target[(nint)p * nr + j] = source[(nint)j * ldb + p];
                            }
                        }
                    }
                }

                for (int j = transposedColumns; j < nr; j++)
                {
                    float* target = panel + j;
                    if (j < cols)
                    {
                        float* source = b + (nint)(j0 + jr + j) * ldb + p0;
                        for (int p = 0; p < kc; p++)
                        {
                            target[(nint)p * nr] = source[p];
                        }
                    }
                    else
                    {
                        for (int p = 0; p < kc; p++)
                        {
                            target[(nint)p * nr] = 0f;
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Writes the transpose of the 8×8 block at <paramref name="source"/> (rows <paramref name="sourceStride"/>
    /// apart) to <paramref name="destination"/> (rows <paramref name="destinationStride"/> apart): destination row p
    /// is (source[0][p], …, source[7][p]).
    /// </summary>
    /// <remarks>
    /// The classic three-stage AVX transpose: unpack interleaves row pairs (lanes r0p r1p per 128-bit half),
    /// shuffle gathers four rows per half (r0p r1p r2p r3p), and the 128-bit permute joins rows 0–3 with rows 4–7.
    /// </remarks>
    private static unsafe void Transpose8x8(float* source, nint sourceStride, float* destination, nint destinationStride)
    {
        Vector256<float> r0 = Avx.LoadVector256(source);
        Vector256<float> r1 = Avx.LoadVector256(source + sourceStride);
        Vector256<float> r2 = Avx.LoadVector256(source + 2 * sourceStride);
        Vector256<float> r3 = Avx.LoadVector256(source + 3 * sourceStride);
        Vector256<float> r4 = Avx.LoadVector256(source + 4 * sourceStride);
        Vector256<float> r5 = Avx.LoadVector256(source + 5 * sourceStride);
        Vector256<float> r6 = Avx.LoadVector256(source + 6 * sourceStride);
        Vector256<float> r7 = Avx.LoadVector256(source + 7 * sourceStride);

        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);

        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);

        Avx.Store(destination, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(destination + destinationStride, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(destination + 2 * destinationStride, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(destination + 3 * destinationStride, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(destination + 4 * destinationStride, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(destination + 5 * destinationStride, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(destination + 6 * destinationStride, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(destination + 7 * destinationStride, Avx.Permute2x128(u3, u7, 0x31));
    }
}
