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
                // B is stored n×k: read each of its rows contiguously and scatter it down one panel column.
                for (int j = 0; j < nr; j++)
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
}
