using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;

namespace FedSharp.Benchmarks.Kernels;

/// <summary>Adds the fastest iteration, throughput and share-of-peak columns to the GEMM summary.</summary>
public sealed class GemmColumnsConfig : ManualConfig
{
    public GemmColumnsConfig()
    {
        AddColumn(StatisticColumn.Min, new GflopsColumn(asShareOfPeak: false), new GflopsColumn(asShareOfPeak: true));
    }
}
