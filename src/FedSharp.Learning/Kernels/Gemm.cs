namespace FedSharp.Learning.Kernels;

/// <summary>
/// Single-precision general matrix multiply, the kernel under Linear and Conv2d (through im2col).
/// </summary>
public static class Gemm
{
    /// <summary>
    /// Computes <c>C = op(A) · op(B) + beta · C</c> with row-major storage; see <see cref="GemmScalar.Multiply"/>
    /// for the meaning of every argument. Results equal the scalar twin's up to floating-point reassociation.
    /// </summary>
    /// <param name="transposeA">When true, A is stored as k×m and used transposed.</param>
    /// <param name="transposeB">When true, B is stored as n×k and used transposed.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="a">A in row-major order.</param>
    /// <param name="lda">Row stride of A as stored.</param>
    /// <param name="b">B in row-major order.</param>
    /// <param name="ldb">Row stride of B as stored.</param>
    /// <param name="beta">0 overwrites C; 1 accumulates into it.</param>
    /// <param name="c">C, m×n, row-major.</param>
    /// <param name="ldc">Row stride of C.</param>
    public static void Multiply(
        bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
        => GemmScalar.Multiply(transposeA, transposeB, m, n, k, a, lda, b, ldb, beta, c, ldc);
}
