using System.Globalization;
using System.Text.RegularExpressions;

namespace FedSharp.Core.Configuration.Schema;

/// <summary>A finite number within an interval whose ends may be open; integers are accepted, as in MindSpore.</summary>
internal sealed partial class RealKey(
    string path, double min, bool minInclusive, double max, bool maxInclusive, Func<JobConfiguration, double> get, Action<JobConfiguration, double> set)
    : ConfigurationKey(path, required: false)
{
    public override string Expectation
    {
        get
        {
            if (double.IsPositiveInfinity(max))
            {
                return $"a number {(minInclusive ? "≥" : ">")} {Show(min)}";
            }

            return $"a number in {(minInclusive ? '[' : '(')}{Show(min)}, {Show(max)}{(maxInclusive ? ']' : ')')}";
        }
    }

    public override string? Apply(JobConfiguration target, ScalarText value)
    {
        if (value.IsNull || value.IsQuoted)
        {
            return WrongType(value);
        }

        if (NonFiniteSyntax().IsMatch(value.Text))
        {
            return OutOfRange(value.Text);
        }

        if (!NumberSyntax().IsMatch(value.Text)
            || !double.TryParse(value.Text.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed))
        {
            return WrongType(value);
        }

        if (!InRange(parsed))
        {
            return OutOfRange(value.Text);
        }

        set(target, parsed);
        return null;
    }

    public override string Show(JobConfiguration target) => Show(get(target));

    public override string? Check(JobConfiguration target)
    {
        double value = get(target);
        return InRange(value) ? null : OutOfRange(Show(value));
    }

    private bool InRange(double value) =>
        double.IsFinite(value)
        && (minInclusive ? value >= min : value > min)
        && (maxInclusive ? value <= max : value < max);

    private static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex NumberSyntax();

    [GeneratedRegex(@"^([-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$")]
    private static partial Regex NonFiniteSyntax();
}
