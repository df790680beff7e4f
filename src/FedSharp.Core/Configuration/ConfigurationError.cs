namespace FedSharp.Core.Configuration;

/// <summary>One problem found while loading a configuration.</summary>
/// <param name="KeyPath">Full dotted key, e.g. <c>round.update_model_ratio</c>; empty for a fault of the whole document.</param>
/// <param name="Source">The file, <c>--set</c> for an override, or <c>&lt;code&gt;</c> for values set in code.</param>
/// <param name="Line">1-based line in <paramref name="Source"/>; 0 when there is no line.</param>
/// <param name="Column">1-based column; 0 when there is no line.</param>
/// <param name="Message">What is wrong and what is allowed, naming the key and the value given.</param>
public sealed record ConfigurationError(string KeyPath, string Source, int Line, int Column, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Line > 0 ? $"{Source}:{Line}:{Column}: {Message}" : $"{Source}: {Message}";
}
