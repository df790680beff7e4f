using BenchmarkDotNet.Attributes;
using FedSharp.Learning.Kernels;

namespace FedSharp.Benchmarks.Kernels;

[MemoryDiagnoser]
[Config(typeof(GemmColumnsConfig))]
public class GemmBenchmarks
{
    private float[] _a = [];
    private float[] _b = [];
    private float[] _c = [];

    public static IEnumerable<GemmShape> Shapes => GemmShape.SimpleCnnAndSquare;

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = GemmShape.SimpleCnnAndSquare[0];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _a = RandomValues(random, Shape.M * Shape.K);
        _b = RandomValues(random, Shape.K * Shape.N);
        _c = new float[Shape.M * Shape.N];
    }

    [Benchmark(Baseline = true)]
    public void Scalar() => GemmScalar.Multiply(Shape.TransposeA, Shape.TransposeB, Shape.M, Shape.N, Shape.K, _a, Shape.Lda, _b, Shape.Ldb, 0f, _c, Shape.N);

    [Benchmark]
    public void Simd() => Gemm.Multiply(Shape.TransposeA, Shape.TransposeB, Shape.M, Shape.N, Shape.K, _a, Shape.Lda, _b, Shape.Ldb, 0f, _c, Shape.N);

    private static float[] RandomValues(Random random, int length)
    {
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return values;
    }
}
