using System.Runtime.Intrinsics;

namespace FedSharp.Learning.Kernels;

/// <summary>
/// Single-precision general matrix multiply, the kernel under Linear and Conv2d (through im2col).
/// </summary>
/// <remarks>
/// Two SIMD strategies share the work. The packed path (Goto/BLIS style) copies panels of A and B into contiguous,
/// aligned scratch, resolving both transposes there, and runs a register-blocked FMA microkernel over them. The
/// dot-product path serves A·Bᵀ when the shared dimension is long and A has few rows (the weight gradient of a
/// convolution): both operands are then contiguous along k, and transposing B into panels would cost more than the
/// multiply. Vector512 is used when accelerated, else Vector256, else the scalar twin.
/// </remarks>
public static partial class Gemm
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
    public static unsafe void Multiply(
        bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        GemmArguments.Validate(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0)
        {
            return;
        }

        if (ActivePath == GemmPath.Scalar)
        {
            GemmScalar.Multiply(transposeA, transposeB, m, n, k, a, lda, b, ldb, beta, c, ldc);
            return;
        }

        fixed (float* cPointer = c)
        {
            if (k == 0)
            {
                ScaleOnly(m, n, beta, cPointer, ldc);
                return;
            }

            fixed (float* aPointer = a)
            fixed (float* bPointer = b)
            {
                if (!transposeA && transposeB && PrefersDotProducts(m, n, k))
                {
                    MultiplyByDotProducts(m, n, k, aPointer, lda, bPointer, ldb, beta, cPointer, ldc);
                }
                else
                {
                    MultiplyPacked(transposeA, transposeB, m, n, k, aPointer, lda, bPointer, ldb, beta, cPointer, ldc);
                }
            }
        }
    }

    /// <summary>The vector width the SIMD paths run at on this process, fixed by the JIT at start-up.</summary>
    internal static GemmPath ActivePath =>
        Vector512.IsHardwareAccelerated ? GemmPath.Vector512
        : Vector256.IsHardwareAccelerated ? GemmPath.Vector256
        : GemmPath.Scalar;

    // An empty product still honours beta: overwrite with zeros, or scale what is there.
    private static unsafe void ScaleOnly(int m, int n, float beta, float* c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            Span<float> row = new(c + (nint)i * ldc, n);
            if (beta == 0f)
            {
                row.Clear();
            }
            else
            {
                for (int j = 0; j < row.Length; j++)
                {
                    row[j] *= beta;
                }
            }
        }
    }
}
