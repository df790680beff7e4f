namespace FedSharp.Core.Configuration.Schema;

/// <summary>A YAML scalar as written: its text and whether it was quoted (quoted scalars are always strings).</summary>
internal readonly record struct ScalarText(string Text, bool IsQuoted)
{
    /// <summary>True for an empty value, <c>~</c> or <c>null</c> written without quotes.</summary>
    public bool IsNull => !IsQuoted && Text is "" or "~" or "null" or "Null" or "NULL";

    /// <summary>The value as an error message quotes it.</summary>
    public string Show() => IsNull ? "no value" : IsQuoted ? $"the quoted string \"{Text}\"" : $"'{Text}'";
}
