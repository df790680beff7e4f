namespace FedSharp.Core.Configuration.Schema;

/// <summary>Finds the valid name closest to a misspelt one (Levenshtein distance, case-insensitive).</summary>
internal static class KeySuggestion
{
    /// <summary>
    /// The closest candidate, or null when none is within a third of the name's length (at least 2 edits) and none
    /// starts with the given name.
    /// </summary>
    public static string? Closest(string given, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            int distance = Distance(given.ToLowerInvariant(), candidate.ToLowerInvariant());

            // A truncated name ('FEDERATED' for 'FEDERATED_LEARNING') is a likely meaning however long the missing
            // part is.
            if (given.Length >= 3 && candidate.StartsWith(given, StringComparison.OrdinalIgnoreCase))
            {
                distance = Math.Min(distance, 1);
            }

            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return bestDistance <= Math.Max(2, given.Length / 3) ? best : null;
    }

    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
