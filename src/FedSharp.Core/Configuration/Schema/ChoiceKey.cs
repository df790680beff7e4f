namespace FedSharp.Core.Configuration.Schema;

/// <summary>One of a fixed set of names, compared exactly (MindSpore is case-sensitive); a near miss gets a suggestion.</summary>
internal sealed class ChoiceKey<T>(
    string path, IReadOnlyList<(string Name, T Value)> choices, Func<JobConfiguration, T> get, Action<JobConfiguration, T> set, bool required = false)
    : ConfigurationKey(path, required)
    where T : struct, Enum
{
    public override string Expectation => "one of " + string.Join(", ", choices.Select(c => c.Name));

    public override string? Apply(JobConfiguration target, ScalarText value)
    {
        foreach ((string name, T choice) in choices)
        {
            if (!value.IsNull && string.Equals(name, value.Text, StringComparison.Ordinal))
            {
                set(target, choice);
                return null;
            }
        }

        string? closest = value.IsNull ? null : KeySuggestion.Closest(value.Text, choices.Select(c => c.Name));
        string hint = closest is null ? string.Empty : $" (did you mean '{closest}'?)";
        return $"'{Path}' is {value.Show()}; it must be {Expectation}{hint}";
    }

    public override string Show(JobConfiguration target)
    {
        T current = get(target);
        foreach ((string name, T choice) in choices)
        {
            if (EqualityComparer<T>.Default.Equals(choice, current))
            {
                return name;
            }
        }

        return current.ToString();
    }

    public override string? Check(JobConfiguration target)
    {
        T current = get(target);
        return choices.Any(c => EqualityComparer<T>.Default.Equals(c.Value, current))
            ? null
            : $"'{Path}' is {current}; it must be {Expectation}";
    }
}
