namespace FedSharp.Learning.Kernels;

/// <summary>Which implementation of <see cref="Gemm"/> the hardware selects.</summary>
internal enum GemmPath
{
    /// <summary>No accelerated vectors: the scalar twin runs.</summary>
    Scalar,

    /// <summary>256-bit vectors (AVX2/FMA or equivalent).</summary>
    Vector256,

    /// <summary>512-bit vectors (AVX-512F).</summary>
    Vector512,
}
