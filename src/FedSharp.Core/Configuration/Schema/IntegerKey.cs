using System.Globalization;

namespace FedSharp.Core.Configuration.Schema;

/// <summary>A whole number in [min, max], optionally with a unit (millisecond windows are stored as <see cref="TimeSpan"/>).</summary>
internal sealed class IntegerKey(
    string path, long min, long max, Func<JobConfiguration, long> get, Action<JobConfiguration, long> set, bool required = false, string unit = "")
    : ConfigurationKey(path, required)
{
    public override string Expectation
    {
        get
        {
            string range = $"an integer in [{min}, {max}]";
            return unit.Length == 0 ? range : $"{range} {unit}";
        }
    }

    public override string? Apply(JobConfiguration target, ScalarText value)
    {
        if (value.IsNull || value.IsQuoted || !IsIntegerSyntax(value.Text))
        {
            return WrongType(value);
        }

        if (!long.TryParse(value.Text.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long parsed)
            || parsed < min || parsed > max)
        {
            return OutOfRange(value.Text);
        }

        set(target, parsed);
        return null;
    }

    public override string Show(JobConfiguration target) => get(target).ToString(CultureInfo.InvariantCulture);

    public override string? Check(JobConfiguration target)
    {
        long value = get(target);
        return value < min || value > max ? OutOfRange(value.ToString(CultureInfo.InvariantCulture)) : null;
    }

    // YAML integers as PyYAML reads them in MindSpore files: optional sign, digits, '_' separators.
    private static bool IsIntegerSyntax(string text)
    {
        int start = text.Length > 0 && (text[0] == '-' || text[0] == '+') ? 1 : 0;
        if (start >= text.Length || !char.IsAsciiDigit(text[start]))
        {
            return false;
        }

        for (int i = start; i < text.Length; i++)
        {
            if (!char.IsAsciiDigit(text[i]) && text[i] != '_')
            {
                return false;
            }
        }

        return true;
    }
}
