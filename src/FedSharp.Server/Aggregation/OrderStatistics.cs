namespace FedSharp.Server.Aggregation;

/// <summary>
/// The per-coordinate statistics of the robust aggregators: the median and the trimmed mean of one coordinate's values
/// across the updates. The caller gathers the column into a scratch span, which these sort in place.
/// </summary>
/// <remarks>
/// A column holds one value per participant (tens to hundreds), so a sort is as fast as a selection algorithm here and
/// serves both statistics. Values are finite: updates are checked for NaN and infinity before they are accepted.
/// </remarks>
public static class OrderStatistics
{
    /// <summary>
    /// The median of <paramref name="column"/>: the middle value for an odd count, the mean of the two middle values for
    /// an even count (as numpy's and Flower's FedMedian). Sorts <paramref name="column"/> in place.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="column"/> is empty.</exception>
    public static float Median(Span<float> column)
    {
        if (column.IsEmpty)
        {
            throw new ArgumentException("The median of no values is undefined; aggregate at least one update.", nameof(column));
        }

        column.Sort();
        int middle = column.Length / 2;
        return (column.Length & 1) == 1
            ? column[middle]
            : (float)(((double)column[middle - 1] + column[middle]) / 2);
    }

    /// <summary>
    /// The mean of <paramref name="column"/> without its <paramref name="trimCount"/> lowest and
    /// <paramref name="trimCount"/> highest values (ties are cut by position after sorting, so equal values count
    /// once each). Sorts <paramref name="column"/> in place; the kept values are summed in double.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="trimCount"/> is negative, or leaves no value.</exception>
    public static float TrimmedMean(Span<float> column, int trimCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trimCount);
        if (2 * trimCount >= column.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(trimCount), trimCount, $"Cutting {trimCount} values from each end of {column.Length} leaves none; cut fewer than half.");
        }

        column.Sort();
        double sum = 0;
        ReadOnlySpan<float> kept = column[trimCount..^trimCount];
        foreach (float value in kept)
        {
            sum += value;
        }

        return (float)(sum / kept.Length);
    }
}
