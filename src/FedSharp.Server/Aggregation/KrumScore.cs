namespace FedSharp.Server.Aggregation;

/// <summary>
/// Krum's score (Blanchard, El Mhamdi, Guerraoui, Stainer, NeurIPS 2017): for each update, the sum of its squared
/// distances to its <c>n − f − 2</c> nearest other updates. An update close to many others scores low; a Byzantine
/// update far from the honest cluster scores high.
/// </summary>
public static class KrumScore
{
    /// <summary>
    /// Scores <paramref name="count"/> updates from their squared distances.
    /// </summary>
    /// <param name="distances">The n×n matrix of squared distances, row-major; only the off-diagonal entries are read.</param>
    /// <param name="count">n, the number of updates.</param>
    /// <param name="neighbours">How many nearest others each score sums: <c>n − f − 2</c>, in [1, n − 1].</param>
    /// <param name="scratch">At least n − 1 doubles, overwritten.</param>
    /// <param name="destination">n scores, one per update, in the order of the matrix rows.</param>
    /// <exception cref="ArgumentException">A span is too short for <paramref name="count"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="neighbours"/> is outside [1, n − 1].</exception>
    public static void Compute(ReadOnlySpan<double> distances, int count, int neighbours, Span<double> scratch, Span<double> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (distances.Length < count * count || scratch.Length < count - 1 || destination.Length < count)
        {
            throw new ArgumentException($"Scoring {count} updates needs {count * count} distances, {count - 1} scratch values and {count} destination values; got {distances.Length}, {scratch.Length} and {destination.Length}.");
        }

        if (neighbours < 1 || neighbours > count - 1)
        {
            throw new ArgumentOutOfRangeException(nameof(neighbours), neighbours, $"Each of {count} updates has {count - 1} others; a score sums between 1 and {count - 1} of them.");
        }

        Span<double> others = scratch[..(count - 1)];
        for (int i = 0; i < count; i++)
        {
            int k = 0;
            for (int j = 0; j < count; j++)
            {
                if (j != i)
                {
                    others[k++] = distances[(i * count) + j];
                }
            }

            others.Sort();
            double score = 0;
            foreach (double distance in others[..neighbours])
            {
                score += distance;
            }

            destination[i] = score;
        }
    }
}
