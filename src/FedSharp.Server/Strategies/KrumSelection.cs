using FedSharp.Core.Models;
using FedSharp.Server.Aggregation;

namespace FedSharp.Server.Strategies;

/// <summary>
/// What <see cref="Krum"/> and <see cref="MultiKrum"/> share: the pairwise squared distances of the updates, their Krum
/// scores, and the updates ranked by score.
/// </summary>
internal static class KrumSelection
{
    /// <summary>
    /// The reason <paramref name="participants"/> updates are too few to tolerate <paramref name="byzantine"/> Byzantine
    /// ones, or null when they are enough. Blanchard et al. prove Krum's guarantee for n &gt; 2f + 2, and a score needs
    /// n − f − 2 ≥ 1 neighbours.
    /// </summary>
    public static string? TooFew(string strategy, int participants, int byzantine) =>
        participants >= MinimumParticipants(byzantine)
            ? null
            : $"{strategy} with f = {byzantine} Byzantine clients needs n ≥ 2f + 3 = {MinimumParticipants(byzantine)} updates (Blanchard et al. 2017: n > 2f + 2), but the iteration has {participants}; lower 'fedsharp.krum_byzantine' or raise 'round.start_fl_job_threshold'.";

    /// <summary>2f + 3, the fewest updates Krum accepts with f Byzantine clients.</summary>
    public static int MinimumParticipants(int byzantine) => (2 * byzantine) + 3;

    /// <summary>
    /// Indices of <paramref name="updates"/> from the lowest Krum score to the highest; equal scores are ordered by
    /// client id, so the choice does not depend on arrival order.
    /// </summary>
    public static int[] Rank(IReadOnlyList<ClientUpdate> updates, int byzantine, out double[] scores)
    {
        int n = updates.Count;
        double[] distances = SquaredDistances(updates);
        scores = new double[n];
        KrumScore.Compute(distances, n, n - byzantine - 2, new double[Math.Max(n - 1, 0)], scores);
        double[] ranked = scores;
        int[] order = [.. Enumerable.Range(0, n)];
        Array.Sort(order, (a, b) =>
        {
            int byScore = ranked[a].CompareTo(ranked[b]);
            return byScore != 0 ? byScore : string.CompareOrdinal(updates[a].ClientId, updates[b].ClientId);
        });
        return order;
    }

    /// <summary>
    /// The n×n matrix of ‖wᵢ − wⱼ‖² over all tensors, row-major. The models are walked in blocks of
    /// <see cref="PairwiseDistance.BlockLength"/> values, and every pair is computed on a block before the next block
    /// is read, so the n blocks stay in cache while the n(n−1)/2 pairs use them: each update is read from memory once,
    /// not n − 1 times.
    /// </summary>
    public static double[] SquaredDistances(IReadOnlyList<ClientUpdate> updates)
    {
        int n = updates.Count;
        double[] distances = new double[n * n];
        if (n == 0)
        {
            return distances;
        }

        int tensors = updates[0].Parameters.Count;
        for (int t = 0; t < tensors; t++)
        {
            int length = updates[0].Parameters[t].Length;
            for (int start = 0; start < length; start += PairwiseDistance.BlockLength)
            {
                int count = Math.Min(PairwiseDistance.BlockLength, length - start);
                for (int i = 0; i < n; i++)
                {
                    ReadOnlySpan<float> x = updates[i].Parameters[t].Values.AsSpan(start, count);
                    for (int j = i + 1; j < n; j++)
                    {
                        distances[(i * n) + j] += PairwiseDistance.Squared(x, updates[j].Parameters[t].Values.AsSpan(start, count));
                    }
                }
            }
        }

        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                distances[(j * n) + i] = distances[(i * n) + j];
            }
        }

        return distances;
    }
}
