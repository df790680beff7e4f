namespace FedSharp.Core.Configuration.Schema;

/// <summary>
/// One leaf key of the YAML schema: its dotted path, the values it accepts and where it lives in
/// <see cref="JobConfiguration"/>. Parsing, range checking and storing happen here so that a file, a
/// <c>--set</c> override and a configuration built in code are held to the same rules.
/// </summary>
internal abstract class ConfigurationKey(string path, bool required)
{
    /// <summary>Full dotted path, e.g. <c>round.update_model_ratio</c>.</summary>
    public string Path { get; } = path;

    /// <summary>Last segment of the path.</summary>
    public string Name => Path[(Path.LastIndexOf('.') + 1)..];

    /// <summary>Dotted path of the enclosing section; empty at the top level.</summary>
    public string Section => Path.Contains('.', StringComparison.Ordinal) ? Path[..Path.LastIndexOf('.')] : string.Empty;

    /// <summary>True when a file must set the key.</summary>
    public bool Required { get; } = required;

    /// <summary>What the key accepts, phrased to follow "must be", e.g. "a number in (0, 1]".</summary>
    public abstract string Expectation { get; }

    /// <summary>Parses <paramref name="value"/>, checks its range and stores it in <paramref name="target"/>.</summary>
    /// <returns>Null on success, otherwise the error message.</returns>
    public abstract string? Apply(JobConfiguration target, ScalarText value);

    /// <summary>Checks the value <paramref name="target"/> currently holds (for configurations built in code).</summary>
    /// <returns>Null when it is in range, otherwise the error message.</returns>
    public abstract string? Check(JobConfiguration target);

    /// <summary>The value <paramref name="target"/> holds, written as in YAML (e.g. <c>DP_ENCRYPT</c>, <c>0.5</c>, <c>'fl'</c>).</summary>
    public abstract string Show(JobConfiguration target);

    protected string WrongType(ScalarText value) => $"'{Path}' must be {Expectation}; got {value.Show()}";

    protected string OutOfRange(string shown) => $"'{Path}' is {shown}; it must be {Expectation}";
}
