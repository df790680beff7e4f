using BenchmarkDotNet.Attributes;
using FedSharp.Core.Models;
using FedSharp.Server.Stores;
using FedSharp.Server.Strategies;

namespace FedSharp.Benchmarks.Aggregation;

/// <summary>
/// One aggregation of n updates of NIID-Bench's simple-cnn (44,426 values) by each robust rule; the median is the
/// baseline. The aggregate is built once: the rules only read the updates.
/// </summary>
[MemoryDiagnoser]
public class RobustAggregationBenchmarks
{
    private const int Parameters = 44_426;
    private IterationAggregate _aggregate = null!;
    private PublishedModel _global = null!;

    [Params(10, 100)]
    public int Participants { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        ClientUpdate[] updates = [.. Enumerable.Range(0, Participants).Select(i => new ClientUpdate(
            $"client-{i:D4}", 1, Model([.. Enumerable.Range(0, Parameters).Select(_ => (float)((random.NextDouble() * 2) - 1))]), 100))];
        _global = new PublishedModel(0, Model(new float[Parameters]));
        _aggregate = new IterationAggregate(1, _global.Parameters.ZerosLike(), 100L * Participants, [.. updates.Select(u => u.ClientId)], 0, 0, 0, 0, updates);
    }

    [Benchmark(Baseline = true)]
    public ModelParameters? Median() => new FedMedian().AggregateTraining(_aggregate, _global).Parameters;

    [Benchmark]
    public ModelParameters? TrimmedMean() => new TrimmedMean(0.2).AggregateTraining(_aggregate, _global).Parameters;

    [Benchmark]
    public ModelParameters? Krum() => new Krum((Participants - 3) / 2).AggregateTraining(_aggregate, _global).Parameters;

    [Benchmark]
    public ModelParameters? MultiKrum() => new MultiKrum((Participants - 3) / 2, 0).AggregateTraining(_aggregate, _global).Parameters;

    private static ModelParameters Model(float[] values) => new([new ParameterTensor("w", [values.Length], values)]);
}
