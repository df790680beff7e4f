namespace FedSharp.Core.Configuration.Schema;

/// <summary>
/// A string. Unquoted numbers and words are taken as written (<c>fl_name: 123</c> is the name "123"); an empty value
/// means the empty string for optional keys. An optional rule checks the format, e.g. <c>host:port</c>.
/// </summary>
internal sealed class TextKey(
    string path, Func<JobConfiguration, string> get, Action<JobConfiguration, string> set, bool required = false,
    Func<string, bool>? isValid = null, string expectation = "a string")
    : ConfigurationKey(path, required)
{
    public override string Expectation => Required ? $"{expectation} (not empty)" : expectation;

    public override string? Apply(JobConfiguration target, ScalarText value)
    {
        string text = value.IsNull ? string.Empty : value.Text;
        string? error = Validate(text, value.Show());
        if (error is null)
        {
            set(target, text);
        }

        return error;
    }

    public override string Show(JobConfiguration target) => $"'{get(target)}'";

    public override string? Check(JobConfiguration target)
    {
        string text = get(target) ?? string.Empty;
        return Validate(text, $"'{text}'");
    }

    private string? Validate(string text, string shown)
    {
        if (text.Length == 0)
        {
            return Required ? $"'{Path}' must be {Expectation}; got no value" : null;
        }

        return isValid is null || isValid(text) ? null : $"'{Path}' is {shown}; it must be {Expectation}";
    }
}
