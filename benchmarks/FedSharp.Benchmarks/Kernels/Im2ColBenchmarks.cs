using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using FedSharp.Learning.Kernels;

namespace FedSharp.Benchmarks.Kernels;

[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class Im2ColBenchmarks
{
    private float[] _image = [];
    private float[] _columns = [];
    private float[] _gradient = [];
    private int _pixels;

    // simple-cnn's two convolutions: 1×28×28 → 6@5×5, and 6×12×12 → 16@5×5 (after 2×2 pooling).
    [Params(1, 6)]
    public int Channels { get; set; }

    private int Size => Channels == 1 ? 28 : 12;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _image = new float[Channels * Size * Size];
        for (int i = 0; i < _image.Length; i++)
        {
            _image[i] = (float)random.NextDouble();
        }

        int output = Im2Col.OutputSize(Size, 5, 1, 0);
        _pixels = output * output;
        _columns = new float[Channels * 25 * _pixels];
        _gradient = new float[_image.Length];
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("im2col")]
    public void ForwardScalar() => Im2ColScalar.Forward(_image, Channels, Size, Size, 5, 5, 1, 1, 0, 0, _columns, _pixels);

    [Benchmark]
    [BenchmarkCategory("im2col")]
    public void Forward() => Im2Col.Forward(_image, Channels, Size, Size, 5, 5, 1, 1, 0, 0, _columns, _pixels);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("col2im")]
    public void BackwardScalar() => Im2ColScalar.Backward(_columns, _pixels, Channels, Size, Size, 5, 5, 1, 1, 0, 0, _gradient);

    [Benchmark]
    [BenchmarkCategory("col2im")]
    public void Backward() => Im2Col.Backward(_columns, _pixels, Channels, Size, Size, 5, 5, 1, 1, 0, 0, _gradient);
}
