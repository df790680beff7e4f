using BenchmarkDotNet.Attributes;
using FedSharp.Server.Aggregation;

namespace FedSharp.Benchmarks.Aggregation;

/// <summary>Krum's hot loop, ‖x − y‖² over one block and over whole models, against its scalar twin.</summary>
[MemoryDiagnoser]
public class PairwiseDistanceBenchmarks
{
    private float[] _x = [];
    private float[] _y = [];

    /// <summary>One block of <see cref="PairwiseDistance.BlockLength"/>, NIID-Bench's simple-cnn, the FedAvg paper's MNIST CNN.</summary>
    [Params(PairwiseDistance.BlockLength, 44_426, 1_663_370)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _x = [.. Enumerable.Range(0, Length).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        _y = [.. Enumerable.Range(0, Length).Select(_ => (float)((random.NextDouble() * 2) - 1))];
    }

    [Benchmark(Baseline = true)]
    public double Scalar() => PairwiseDistanceScalar.Squared(_x, _y);

    [Benchmark]
    public double Simd() => PairwiseDistance.Squared(_x, _y);
}
