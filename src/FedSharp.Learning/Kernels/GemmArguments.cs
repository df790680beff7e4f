namespace FedSharp.Learning.Kernels;

/// <summary>Validates GEMM arguments once, so kernels can index without further checks.</summary>
internal static class GemmArguments
{
    public static void Validate(
        bool transposeA, bool transposeB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        if (m < 0 || n < 0 || k < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(m), $"GEMM dimensions must be non-negative; got m={m}, n={n}, k={k}.");
        }

        int aRows = transposeA ? k : m, aCols = transposeA ? m : k;
        int bRows = transposeB ? n : k, bCols = transposeB ? k : n;
        Check("A", aRows, aCols, aLength, lda);
        Check("B", bRows, bCols, bLength, ldb);
        Check("C", m, n, cLength, ldc);
    }

    private static void Check(string name, int rows, int cols, int length, int stride)
    {
        if (stride < cols)
        {
            throw new ArgumentOutOfRangeException(name, $"GEMM matrix {name} has row stride {stride} but {cols} columns; the stride must be at least the column count.");
        }

        if (rows > 0 && cols > 0 && (long)(rows - 1) * stride + cols > length)
        {
            throw new ArgumentException($"GEMM matrix {name} needs {(long)(rows - 1) * stride + cols} elements for {rows}×{cols} with stride {stride}, but its span holds {length}.", name);
        }
    }
}
