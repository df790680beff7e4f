using System.Globalization;

namespace FedSharp.Core.Configuration.Schema;

/// <summary><c>summary.participation_time_level</c>: two minute counts written as one string, e.g. "5,15".</summary>
internal sealed class ParticipationLevelsKey() : ConfigurationKey("summary.participation_time_level", required: false)
{
    private const int MaxMinutes = 2880;

    public override string Expectation => $"two whole minute counts \"level1,level2\" with 0 < level1 < level2 ≤ {MaxMinutes}";

    public override string? Apply(JobConfiguration target, ScalarText value)
    {
        string[] parts = value.IsNull ? [] : value.Text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int first)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int second))
        {
            return WrongType(value);
        }

        if (!InRange(first, second))
        {
            return OutOfRange(value.Show());
        }

        target.Summary.ParticipationTimeLevel1 = TimeSpan.FromMinutes(first);
        target.Summary.ParticipationTimeLevel2 = TimeSpan.FromMinutes(second);
        return null;
    }

    public override string Show(JobConfiguration target) =>
        $"'{target.Summary.ParticipationTimeLevel1.TotalMinutes.ToString(CultureInfo.InvariantCulture)},{target.Summary.ParticipationTimeLevel2.TotalMinutes.ToString(CultureInfo.InvariantCulture)}'";

    public override string? Check(JobConfiguration target)
    {
        double first = target.Summary.ParticipationTimeLevel1.TotalMinutes;
        double second = target.Summary.ParticipationTimeLevel2.TotalMinutes;
        return first == Math.Floor(first) && second == Math.Floor(second) && InRange((int)first, (int)second)
            ? null
            : OutOfRange($"'{first},{second}'");
    }

    private static bool InRange(int first, int second) => first > 0 && first < second && second <= MaxMinutes;
}
