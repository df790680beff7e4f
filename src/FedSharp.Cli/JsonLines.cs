using System.Text.Json;

namespace FedSharp.Cli;

/// <summary>
/// Writes the `--json` contract: one JSON object per line on stdout, snake_case keys, the summary object last.
/// </summary>
internal static class JsonLines
{
    private static readonly JsonSerializerOptions s_options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = false,
    };

    public static void Write<T>(TextWriter output, T value)
    {
        output.WriteLine(JsonSerializer.Serialize(value, s_options));
        output.Flush();
    }
}
