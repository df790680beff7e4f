using FedSharp.Learning.Data.Partitioning;

namespace FedSharp.Learning.Tests.Data.Partitioning;

/// <summary>Properties shared by the partitioner tests.</summary>
internal static class PartitionChecks
{
    /// <summary>Labels 0..classCount-1 in a seeded random order, with equal counts per class.</summary>
    public static int[] BalancedLabels(int count, int classCount, int seed)
    {
        int[] labels = Enumerable.Range(0, count).Select(i => i % classCount).ToArray();
        new Random(seed).Shuffle(labels);
        return labels;
    }

    public static void AssertEveryIndexExactlyOnce(DataPartition partition, int sampleCount)
    {
        int[] all = partition.ClientIndices.SelectMany(c => c).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, sampleCount), all);
    }

    public static void AssertNoIndexTwice(DataPartition partition)
    {
        int[] all = partition.ClientIndices.SelectMany(c => c).ToArray();
        Assert.Equal(all.Length, all.Distinct().Count());
    }

    public static int[] LabelSet(DataPartition partition, int client, int[] labels) =>
        partition.ClientIndices[client].Select(i => labels[i]).Distinct().Order().ToArray();

    public static bool SameAssignment(DataPartition a, DataPartition b) =>
        a.ClientCount == b.ClientCount && Enumerable.Range(0, a.ClientCount).All(c => a.ClientIndices[c].SequenceEqual(b.ClientIndices[c]));
}
