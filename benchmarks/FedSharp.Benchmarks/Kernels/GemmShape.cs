namespace FedSharp.Benchmarks.Kernels;

/// <summary>One GEMM problem: C (m×n) = op(A) · op(B), named after the layer step that issues it.</summary>
public sealed record GemmShape(string Name, bool TransposeA, bool TransposeB, int M, int N, int K)
{
    // The simple-cnn model of NIID-Bench at batch 64 (conv 6@5×5, pool, conv 16@5×5, pool, fc 120, fc 84, fc 10),
    // plus the 256³ square that anchors the comparison with the core's peak.
    public static IReadOnlyList<GemmShape> SimpleCnnAndSquare { get; } =
    [
        new("square 256", false, false, 256, 256, 256),
        new("conv1 fwd/img", false, false, 6, 576, 25),
        new("conv1 fwd/batch", false, false, 6, 36864, 25),
        new("conv1 dW", false, true, 6, 25, 36864),
        new("conv2 fwd/img", false, false, 16, 64, 150),
        new("conv2 fwd/batch", false, false, 16, 4096, 150),
        new("conv2 dW", false, true, 16, 150, 4096),
        new("conv2 dX", true, false, 150, 4096, 16),
        new("fc1 fwd", false, true, 64, 120, 256),
        new("fc1 dW", true, false, 120, 256, 64),
        new("fc1 dX", false, false, 64, 256, 120),
        new("fc2 fwd", false, true, 64, 84, 120),
        new("fc2 dW", true, false, 84, 120, 64),
        new("fc2 dX", false, false, 64, 120, 84),
        new("fc3 fwd", false, true, 64, 10, 84),
        new("fc3 dW", true, false, 10, 84, 64),
        new("fc3 dX", false, false, 64, 84, 10),
    ];

    public int Lda => TransposeA ? M : K;

    public int Ldb => TransposeB ? K : N;

    public double Flops => 2.0 * M * N * K;

    public override string ToString() => Name;
}
