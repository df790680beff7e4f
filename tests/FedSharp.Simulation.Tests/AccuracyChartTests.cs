using System.Globalization;
using System.Xml.Linq;

namespace FedSharp.Simulation.Tests;

public sealed class AccuracyChartTests
{
    private static readonly XNamespace s_svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void Render_HigherAccuracy_DrawsHigherPoint()
    {
        RoundReport[] rounds = [new(1, true, 0.2, 2.0, 3, 1, 1, ""), new(2, true, 0.8, 0.5, 3, 1, 2, "")];

        XDocument svg = XDocument.Parse(AccuracyChart.Render(rounds, "t"));

        double[] accuracyY = PointsY(svg, "accuracy");
        double[] lossY = PointsY(svg, "loss");
        Assert.True(accuracyY[1] < accuracyY[0], "SVG y grows downwards, so a higher accuracy has a smaller y.");
        Assert.True(lossY[1] > lossY[0]);
    }

    [Fact]
    public void Render_NoRounds_IsWellFormedWithEmptySeries()
    {
        XDocument svg = XDocument.Parse(AccuracyChart.Render([], "empty"));

        Assert.Equal(2, svg.Descendants(s_svg + "polyline").Count());
        Assert.All(svg.Descendants(s_svg + "polyline"), p => Assert.Equal(string.Empty, p.Attribute("points")!.Value));
    }

    [Fact]
    public void Render_ManyRounds_LabelsAtMostAboutTenRoundTicks()
    {
        RoundReport[] rounds = [.. Enumerable.Range(1, 200).Select(r => new RoundReport(r, true, r / 200.0, 1.0 / r, 10, 1, r, ""))];

        XDocument svg = XDocument.Parse(AccuracyChart.Render(rounds, "long"));

        XElement roundAxis = svg.Descendants(s_svg + "g").Single(g => (string?)g.Attribute("class") == "round-axis");
        int ticks = roundAxis.Elements(s_svg + "text").Count() - 1;
        Assert.InRange(ticks, 4, 11);
    }

    [Fact]
    public void Render_FailedRound_MarksIt()
    {
        RoundReport[] rounds = [new(1, true, 0.5, 1, 3, 1, 1, ""), new(2, false, 0.5, 1, 0, 1, 2, "timed out")];

        XDocument svg = XDocument.Parse(AccuracyChart.Render(rounds, "t"));

        Assert.Single(svg.Descendants(s_svg + "path"), p => (string?)p.Attribute("class") == "invalid-round");
    }

    private static double[] PointsY(XDocument svg, string series)
    {
        string points = svg.Descendants(s_svg + "polyline").Single(p => (string?)p.Attribute("class") == series).Attribute("points")!.Value;
        return [.. points.Split(' ').Select(p => double.Parse(p.Split(',')[1], CultureInfo.InvariantCulture))];
    }
}
