namespace FedSharp.Learning.Data.Partitioning;

/// <summary>The two ways NIID-Bench cuts an index list: numpy's <c>array_split</c> and cumulative proportions.</summary>
internal static class SplitPoints
{
    /// <summary>
    /// Where part <paramref name="part"/> of <paramref name="parts"/> nearly equal parts of <paramref name="total"/>
    /// items starts and how long it is: the first <c>total % parts</c> parts hold one item more (<c>np.array_split</c>).
    /// </summary>
    public static (int Start, int Length) Equal(int total, int parts, int part)
    {
        int quotient = total / parts;
        int remainder = total % parts;
        int start = part * quotient + Math.Min(part, remainder);
        return (start, quotient + (part < remainder ? 1 : 0));
    }

    /// <summary>
    /// Cut points of <paramref name="total"/> items by cumulative proportions, as
    /// <c>(np.cumsum(p) * total).astype(int)[:-1]</c>: truncation toward zero, so rounding error lands in the last part.
    /// </summary>
    /// <param name="proportions">Non-negative shares summing to 1.</param>
    /// <param name="total">Number of items to cut.</param>
    /// <param name="destination">Receives <c>proportions.Length + 1</c> bounds: 0, the cut points, then <paramref name="total"/>.</param>
    public static void Proportional(ReadOnlySpan<double> proportions, int total, Span<int> destination)
    {
        if (destination.Length != proportions.Length + 1)
        {
            throw new ArgumentException($"The destination holds {destination.Length} bounds but {proportions.Length} proportions need {proportions.Length + 1}.", nameof(destination));
        }

        double cumulative = 0;
        destination[0] = 0;
        for (int i = 0; i < proportions.Length - 1; i++)
        {
            cumulative += proportions[i];
            destination[i + 1] = Math.Clamp((int)(cumulative * total), destination[i], total);
        }

        destination[^1] = total;
    }

    /// <summary>The indices of every sample, grouped by label: element k lists the samples of class k in index order.</summary>
    public static List<int>[] IndicesByClass(ReadOnlySpan<int> labels, int classCount)
    {
        var byClass = new List<int>[classCount];
        for (int k = 0; k < classCount; k++)
        {
            byClass[k] = [];
        }

        for (int i = 0; i < labels.Length; i++)
        {
            int label = labels[i];
            if ((uint)label >= (uint)classCount)
            {
                throw new ArgumentException($"Label {label} of sample {i} is outside [0, {classCount}); pass the data set's class count.", nameof(labels));
            }

            byClass[label].Add(i);
        }

        return byClass;
    }

    /// <summary>Validates the arguments every partitioner shares.</summary>
    public static void Validate(ReadOnlySpan<int> labels, int classCount, int clientCount, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(clientCount, 1);
        if (labels.Length < clientCount)
        {
            throw new ArgumentException($"{labels.Length} samples cannot be split among {clientCount} clients: every client needs at least one; use fewer clients.", nameof(labels));
        }
    }
}
