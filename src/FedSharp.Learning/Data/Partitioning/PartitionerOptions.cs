using System.Globalization;

namespace FedSharp.Learning.Data.Partitioning;

/// <summary>Which partitioner to build and its parameters; defaults follow NIID-Bench.</summary>
public sealed class PartitionerOptions
{
    private const string LabelCountPrefix = "noniid-#label";

    /// <summary>The partitioner. Default <see cref="PartitionerKind.Iid"/>.</summary>
    public PartitionerKind Kind { get; set; } = PartitionerKind.Iid;

    /// <summary>Dirichlet concentration β for label and quantity skew, &gt; 0. Default 0.5 (NIID-Bench).</summary>
    public double Beta { get; set; } = 0.5;

    /// <summary>K, the distinct labels per client for <see cref="PartitionerKind.LabelCount"/>, ≥ 1. Default 2.</summary>
    public int LabelsPerClient { get; set; } = 2;

    /// <summary>Shards per client for <see cref="PartitionerKind.Shards"/>, ≥ 1. Default 2 (FedAvg paper).</summary>
    public int ShardsPerClient { get; set; } = 2;

    /// <summary>The redraw threshold of the Dirichlet partitioners, in samples, ≥ 0. Default 10 (NIID-Bench).</summary>
    public int MinSamplesPerClient { get; set; } = 10;

    /// <summary>Draws the Dirichlet partitioners try before failing, ≥ 1. Default 1000.</summary>
    public int MaxDraws { get; set; } = 1000;

    /// <summary>
    /// Reads a config name: <c>iid</c>/<c>homo</c>, <c>dirichlet</c>/<c>noniid-labeldir</c>,
    /// <c>labels</c>/<c>noniid-#label{K}</c> (K = 1..9 sets <see cref="LabelsPerClient"/>),
    /// <c>quantity</c>/<c>iid-diff-quantity</c>, <c>shards</c>, <c>natural</c>. Case-insensitive.
    /// </summary>
    /// <exception cref="ArgumentException">The name is not one of these.</exception>
    public static PartitionerOptions Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string key = name.Trim().ToLowerInvariant();
        if (key.StartsWith(LabelCountPrefix, StringComparison.Ordinal)
            && int.TryParse(key.AsSpan(LabelCountPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int k)
            && k >= 1)
        {
            return new PartitionerOptions { Kind = PartitionerKind.LabelCount, LabelsPerClient = k };
        }

        PartitionerKind kind = key switch
        {
            "iid" or "homo" => PartitionerKind.Iid,
            "dirichlet" or "noniid-labeldir" => PartitionerKind.DirichletLabelSkew,
            "labels" => PartitionerKind.LabelCount,
            "quantity" or "iid-diff-quantity" => PartitionerKind.QuantitySkew,
            "shards" => PartitionerKind.Shards,
            "natural" => PartitionerKind.Natural,
            _ => throw new ArgumentException(
                $"Unknown partitioner '{name}'; use one of iid (homo), dirichlet (noniid-labeldir), labels (noniid-#label2), quantity (iid-diff-quantity), shards, natural.",
                nameof(name)),
        };
        return new PartitionerOptions { Kind = kind };
    }

    /// <summary>Checks the options; called by <see cref="PartitionerFactory.Create(PartitionerOptions, UserPartitionedDataset?)"/>.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Kind))
        {
            throw new ArgumentException($"Partitioner kind {(int)Kind} is not defined; use a {nameof(PartitionerKind)} value.", nameof(Kind));
        }

        if (!(Beta > 0) || double.IsInfinity(Beta))
        {
            throw new ArgumentException($"{nameof(Beta)} is {Beta} but must be a finite number > 0, e.g. 0.5.", nameof(Beta));
        }

        if (LabelsPerClient < 1 || ShardsPerClient < 1 || MaxDraws < 1 || MinSamplesPerClient < 0)
        {
            throw new ArgumentException(
                $"{nameof(LabelsPerClient)} ({LabelsPerClient}), {nameof(ShardsPerClient)} ({ShardsPerClient}) and {nameof(MaxDraws)} ({MaxDraws}) must be ≥ 1 and {nameof(MinSamplesPerClient)} ({MinSamplesPerClient}) ≥ 0.",
                nameof(LabelsPerClient));
        }
    }
}
