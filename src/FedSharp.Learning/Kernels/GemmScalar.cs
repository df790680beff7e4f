namespace FedSharp.Learning.Kernels;

/// <summary>
/// The scalar twin of <see cref="Gemm"/>: the same contract written as plain loops. It is the test oracle for every
/// SIMD path and the fallback when no vector hardware is accelerated.
/// </summary>
public static class GemmScalar
{
    /// <summary>
    /// Computes <c>C = op(A) · op(B) + beta · C</c> with row-major storage, where <c>op(X)</c> is X or its transpose.
    /// </summary>
    /// <param name="transposeA">When true, A is stored as k×m and used transposed.</param>
    /// <param name="transposeB">When true, B is stored as n×k and used transposed.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="a">A in row-major order.</param>
    /// <param name="lda">Row stride of A as stored (≥ k, or ≥ m when transposed).</param>
    /// <param name="b">B in row-major order.</param>
    /// <param name="ldb">Row stride of B as stored (≥ n, or ≥ k when transposed).</param>
    /// <param name="beta">0 overwrites C (its old contents, even NaN, are ignored); 1 accumulates into it.</param>
    /// <param name="c">C, m×n, row-major.</param>
    /// <param name="ldc">Row stride of C (≥ n).</param>
    public static void Multiply(
        bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        GemmArguments.Validate(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = 0f;
                for (int p = 0; p < k; p++)
                {
                    float av = transposeA ? a[p * lda + i] : a[i * lda + p];
                    float bv = transposeB ? b[j * ldb + p] : b[p * ldb + j];
                    sum += av * bv;
                }

                ref float cij = ref c[i * ldc + j];
                cij = beta == 0f ? sum : sum + beta * cij;
            }
        }
    }
}
