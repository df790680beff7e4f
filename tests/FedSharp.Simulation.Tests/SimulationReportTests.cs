using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;

namespace FedSharp.Simulation.Tests;

public sealed class SimulationReportTests
{
    private static readonly RoundReport[] s_rounds =
    [
        new(1, true, 0.61, 1.25, 5, 0.5, 0.5, string.Empty),
        new(2, false, 0.61, 1.25, 0, 0.25, 0.75, "round updateModel timed out with 3 of 5 updates, \"late\""),
        new(3, true, 0.7425, 0.8125, 5, 0.5, 1.25, string.Empty),
    ];

    private static SimulationResult Result => new(s_rounds, new SimulationSummary(0.7425, 0.7425, 3, 2, 1.5, 2.0, 2, 5, 2));

    [Fact]
    public void Write_Result_WritesCsvWithHeaderAndOneRowPerRound()
    {
        using var directory = new TemporaryDirectory();

        SimulationReport.Write(directory.Path, Result, "test");

        string[] lines = File.ReadAllLines(Path.Combine(directory.Path, SimulationReport.RoundsCsvFileName));
        Assert.Equal(SimulationReport.CsvHeader, lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.Equal("1,true,0.61,1.25,5,0.5,0.5,", lines[1]);
        Assert.Equal("2,false,0.61,1.25,0,0.25,0.75,\"round updateModel timed out with 3 of 5 updates, \"\"late\"\"\"", lines[2]);
        Assert.Equal(0.7425, double.Parse(lines[3].Split(',')[2], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Write_Result_WritesRoundsAndSummaryJson()
    {
        using var directory = new TemporaryDirectory();

        SimulationReport.Write(directory.Path, Result, "test");

        using JsonDocument rounds = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory.Path, SimulationReport.RoundsJsonFileName)));
        Assert.Equal(3, rounds.RootElement.GetArrayLength());
        Assert.Equal(2, rounds.RootElement[1].GetProperty("round").GetInt32());
        Assert.False(rounds.RootElement[1].GetProperty("valid").GetBoolean());
        Assert.Equal(0.75, rounds.RootElement[1].GetProperty("elapsed_seconds").GetDouble());
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory.Path, SimulationReport.SummaryFileName)));
        Assert.Equal(0.7425, summary.RootElement.GetProperty("final_accuracy").GetDouble());
        Assert.Equal(0.7425, summary.RootElement.GetProperty("best_accuracy").GetDouble());
        Assert.Equal(2, summary.RootElement.GetProperty("valid_rounds").GetInt32());
        Assert.Equal(2.0, summary.RootElement.GetProperty("local_training_seconds").GetDouble());
        Assert.Equal(1.5, summary.RootElement.GetProperty("overhead_ratio").GetDouble());
    }

    [Fact]
    public void Write_Result_WritesChartWithTwoPolylinesOfOnePointPerRound()
    {
        using var directory = new TemporaryDirectory();

        SimulationReport.Write(directory.Path, Result, "Clients & <rounds>");

        XDocument svg = XDocument.Load(Path.Combine(directory.Path, SimulationReport.ChartFileName));
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
        XElement[] polylines = [.. svg.Descendants(ns + "polyline")];
        Assert.Equal(2, polylines.Length);
        Assert.All(polylines, p => Assert.Equal(3, p.Attribute("points")!.Value.Split(' ').Length));
        Assert.Contains(svg.Descendants(ns + "text"), t => t.Value == "Clients & <rounds>");
        Assert.Contains(svg.Descendants(ns + "text"), t => t.Value == "Round");
    }

    [Fact]
    public void Write_MissingDirectory_CreatesIt()
    {
        using var directory = new TemporaryDirectory();
        string nested = Path.Combine(directory.Path, "a", "b");

        IReadOnlyList<string> files = SimulationReport.Write(nested, Result, "test");

        Assert.Equal(4, files.Count);
        Assert.All(files, f => Assert.True(File.Exists(f), f));
    }
}
