using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace FedSharp.Benchmarks.Kernels;

/// <summary>
/// Throughput of a <see cref="GemmBenchmarks"/> case, 2·m·n·k over the fastest iteration's time per operation, and
/// optionally its share of the core's FMA peak as <see cref="FedSharp.Learning.Kernels.PeakFlops"/> measures it in
/// the host process.
/// </summary>
/// <remarks>
/// The fastest iteration, not the mean, because the comparison is with a peak: on a machine shared with other
/// builds the mean mostly measures preemption. The peak probe likewise reports its best sample.
/// </remarks>
public sealed class GflopsColumn(bool asShareOfPeak) : IColumn
{
    private static readonly Lazy<double> s_peakGflops = new(() => FedSharp.Learning.Kernels.PeakFlops.MeasureGflops(TimeSpan.FromMilliseconds(300)));

    public string Id => asShareOfPeak ? "GemmPeakShare" : "GemmGflops";

    public string ColumnName => asShareOfPeak ? $"% of peak ({s_peakGflops.Value:F0} GFLOP/s)" : "GFLOP/s (at Min)";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => asShareOfPeak ? 1 : 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => asShareOfPeak
        ? "GFLOP/s as a percentage of the single-thread FMA peak of the widest accelerated vector type"
        : "Billions of floating-point operations per second, counting 2·m·n·k per multiply";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        double? bestNanoseconds = summary[benchmarkCase]?.ResultStatistics?.Min;
        if (benchmarkCase.Parameters["Shape"] is not GemmShape shape || bestNanoseconds is not > 0)
        {
            return "-";
        }

        double gflops = shape.Flops / bestNanoseconds.Value;
        return asShareOfPeak ? $"{100 * gflops / s_peakGflops.Value:F1}" : $"{gflops:F1}";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
