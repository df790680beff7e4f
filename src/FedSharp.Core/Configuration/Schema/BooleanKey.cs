namespace FedSharp.Core.Configuration.Schema;

/// <summary>A YAML 1.1 boolean, as PyYAML reads MindSpore files: true/True/TRUE, false/False/FALSE, yes/no, on/off.</summary>
internal sealed class BooleanKey(string path, Func<JobConfiguration, bool> get, Action<JobConfiguration, bool> set)
    : ConfigurationKey(path, required: false)
{
    public override string Expectation => "true or false";

    public override string? Apply(JobConfiguration target, ScalarText value)
    {
        if (value.IsQuoted)
        {
            return WrongType(value);
        }

        bool? parsed = value.Text switch
        {
            "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "on" or "On" or "ON" => true,
            "false" or "False" or "FALSE" or "no" or "No" or "NO" or "off" or "Off" or "OFF" => false,
            _ => null,
        };
        if (parsed is null)
        {
            return WrongType(value);
        }

        set(target, parsed.Value);
        return null;
    }

    public override string Show(JobConfiguration target) => get(target) ? "true" : "false";

    // Both values of a bool are valid.
    public override string? Check(JobConfiguration target) => null;
}
