using System.Text.Json;
using System.Text.Json.Serialization;

namespace FedSharp.Cli;

/// <summary>
/// Writes the `--json` contract: one JSON object per line on stdout, snake_case keys, the summary object last. JSON has
/// no NaN or infinity, so a non-finite number (the test loss of a model that diverged) is written as null.
/// </summary>
internal static class JsonLines
{
    private static readonly JsonSerializerOptions s_options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = false,
        Converters = { new FiniteOrNullConverter() },
    };

    public static void Write<T>(TextWriter output, T value)
    {
        output.WriteLine(JsonSerializer.Serialize(value, s_options));
        output.Flush();
    }

    private sealed class FiniteOrNullConverter : JsonConverter<double>
    {
        public override bool HandleNull => true;

        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value))
            {
                writer.WriteNumberValue(value);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }
}
