using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FedSharp.Simulation;

/// <summary>
/// Writes a simulation's report into a directory: <c>rounds.csv</c> and <c>rounds.json</c> (one row or object per
/// round), <c>summary.json</c> and the chart <c>accuracy.svg</c>. Names in CSV and JSON are snake_case, numbers use
/// the invariant culture, so the files read the same everywhere.
/// </summary>
public static class SimulationReport
{
    /// <summary>The per-round CSV file name.</summary>
    public const string RoundsCsvFileName = "rounds.csv";

    /// <summary>The per-round JSON file name.</summary>
    public const string RoundsJsonFileName = "rounds.json";

    /// <summary>The summary JSON file name.</summary>
    public const string SummaryFileName = "summary.json";

    /// <summary>The chart file name.</summary>
    public const string ChartFileName = "accuracy.svg";

    /// <summary>The header line of <see cref="RoundsCsvFileName"/>.</summary>
    public const string CsvHeader = "round,valid,accuracy,loss,participants,seconds,elapsed_seconds,reason";

    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
    };

    /// <summary>Options that write and read the report's JSON: snake_case names, NaN allowed for a diverged loss.</summary>
    public static JsonSerializerOptions JsonOptions => s_json;

    /// <summary>Creates <paramref name="directory"/> if needed and writes the four files, replacing older ones.</summary>
    /// <param name="directory">The report directory (<c>simulation.report_dir</c>).</param>
    /// <param name="result">What the simulation measured.</param>
    /// <param name="title">The chart's title.</param>
    /// <returns>The paths written, in the order above.</returns>
    /// <exception cref="IOException">A file cannot be written; the message names it.</exception>
    public static IReadOnlyList<string> Write(string directory, SimulationResult result, string title)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(title);
        Directory.CreateDirectory(directory);
        string csv = Path.Combine(directory, RoundsCsvFileName);
        string roundsJson = Path.Combine(directory, RoundsJsonFileName);
        string summary = Path.Combine(directory, SummaryFileName);
        string chart = Path.Combine(directory, ChartFileName);
        WriteFile(csv, ToCsv(result.Rounds));
        WriteFile(roundsJson, JsonSerializer.Serialize(result.Rounds, s_json) + "\n");
        WriteFile(summary, SummaryJson(result.Summary) + "\n");
        WriteFile(chart, AccuracyChart.Render(result.Rounds, title));
        return [csv, roundsJson, summary, chart];
    }

    /// <summary>The rounds as CSV: <see cref="CsvHeader"/>, then one line per round.</summary>
    public static string ToCsv(IReadOnlyList<RoundReport> rounds)
    {
        ArgumentNullException.ThrowIfNull(rounds);
        var csv = new StringBuilder(CsvHeader.Length + rounds.Count * 64);
        csv.Append(CsvHeader).Append('\n');
        foreach (RoundReport r in rounds)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{r.Round},{(r.Valid ? "true" : "false")},{N(r.Accuracy)},{N(r.Loss)},{r.Participants},{N(r.Seconds)},{N(r.ElapsedSeconds)},{Quote(r.Reason)}\n");
        }

        return csv.ToString();
    }

    /// <summary>The summary as one JSON object, with the derived overhead ratio included.</summary>
    public static string SummaryJson(SimulationSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return JsonSerializer.Serialize(summary, s_json);
    }

    private static void WriteFile(string path, string text)
    {
        try
        {
            File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Writing the simulation report file '{path}' failed; check that 'simulation.report_dir' points at a writable directory.", ex);
        }
    }

    private static string N(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    // RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
    private static string Quote(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
