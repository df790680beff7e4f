using System.Globalization;
using System.Text;

namespace FedSharp.Simulation;

/// <summary>
/// Draws test accuracy and test loss per round as a standalone SVG: accuracy in percent on the left axis, loss on
/// the right axis, rounds along the bottom, with ticks, grid, title and legend. Written by hand so the chart needs no
/// package and opens in any browser; every number goes through the invariant culture.
/// </summary>
public static class AccuracyChart
{
    private const double Width = 760;
    private const double Height = 440;
    private const double Left = 72;
    private const double Right = 72;
    private const double Top = 84;
    private const double Bottom = 60;
    private const double PlotWidth = Width - Left - Right;
    private const double PlotHeight = Height - Top - Bottom;
    private const string AccuracyColor = "#1f77b4";
    private const string LossColor = "#d62728";
    private const string AxisColor = "#333333";
    private const string GridColor = "#e5e5e5";
    private const int MaxMarkedRounds = 30;

    /// <summary>Renders the chart of <paramref name="rounds"/> under <paramref name="title"/>.</summary>
    /// <param name="rounds">The rounds in order; may be empty (axes only).</param>
    /// <param name="title">The chart's title, e.g. the model, clients and partition.</param>
    /// <returns>A complete SVG document.</returns>
    public static string Render(IReadOnlyList<RoundReport> rounds, string title)
    {
        ArgumentNullException.ThrowIfNull(rounds);
        ArgumentNullException.ThrowIfNull(title);
        int lastRound = rounds.Count == 0 ? 1 : Math.Max(1, rounds.Max(r => r.Round));
        int firstRound = rounds.Count == 0 ? 1 : Math.Min(lastRound, rounds.Min(r => r.Round));
        double maxLoss = rounds.Where(r => double.IsFinite(r.Loss)).Select(r => r.Loss).DefaultIfEmpty(1).Max();
        double lossTop = NiceCeiling(maxLoss);

        var svg = new StringBuilder(4096);
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{F(Width)}\" height=\"{F(Height)}\" viewBox=\"0 0 {F(Width)} {F(Height)}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"  <title>{Escape(title)}</title>\n");
        svg.Append(CultureInfo.InvariantCulture, $"  <rect x=\"0\" y=\"0\" width=\"{F(Width)}\" height=\"{F(Height)}\" fill=\"#ffffff\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"  <text x=\"{F(Width / 2)}\" y=\"30\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\" fill=\"{AxisColor}\">{Escape(title)}</text>\n");

        // Grid and left (accuracy) ticks: 0 to 100 % in steps of 20.
        svg.Append("  <g class=\"accuracy-axis\">\n");
        for (int percent = 0; percent <= 100; percent += 20)
        {
            double y = Top + PlotHeight * (1 - percent / 100.0);
            svg.Append(CultureInfo.InvariantCulture, $"    <line x1=\"{F(Left)}\" y1=\"{F(y)}\" x2=\"{F(Left + PlotWidth)}\" y2=\"{F(y)}\" stroke=\"{GridColor}\" stroke-width=\"1\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"    <line x1=\"{F(Left - 5)}\" y1=\"{F(y)}\" x2=\"{F(Left)}\" y2=\"{F(y)}\" stroke=\"{AxisColor}\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"    <text x=\"{F(Left - 8)}\" y=\"{F(y + 4)}\" text-anchor=\"end\" fill=\"{AccuracyColor}\">{percent}</text>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"    <text transform=\"translate({F(Left - 46)} {F(Top + PlotHeight / 2)}) rotate(-90)\" text-anchor=\"middle\" fill=\"{AccuracyColor}\">Test accuracy (%)</text>\n");
        svg.Append("  </g>\n");

        // Right (loss) ticks: five equal steps up to a round number above the largest loss.
        svg.Append("  <g class=\"loss-axis\">\n");
        for (int i = 0; i <= 5; i++)
        {
            double value = lossTop * i / 5;
            double y = Top + PlotHeight * (1 - i / 5.0);
            svg.Append(CultureInfo.InvariantCulture, $"    <line x1=\"{F(Left + PlotWidth)}\" y1=\"{F(y)}\" x2=\"{F(Left + PlotWidth + 5)}\" y2=\"{F(y)}\" stroke=\"{AxisColor}\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"    <text x=\"{F(Left + PlotWidth + 8)}\" y=\"{F(y + 4)}\" text-anchor=\"start\" fill=\"{LossColor}\">{Tick(value)}</text>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"    <text transform=\"translate({F(Left + PlotWidth + 52)} {F(Top + PlotHeight / 2)}) rotate(90)\" text-anchor=\"middle\" fill=\"{LossColor}\">Test loss</text>\n");
        svg.Append("  </g>\n");

        // Bottom (round) ticks: at most about ten, on whole rounds.
        svg.Append("  <g class=\"round-axis\">\n");
        // The first round, then multiples of the step: 1, 5, 10, 15 reads better than 1, 6, 11, 16.
        int step = NiceStep(lastRound - firstRound);
        for (int round = firstRound; round <= lastRound; round = (round / step + 1) * step)
        {
            if (round != firstRound && round - firstRound < step / 2)
            {
                continue;
            }

            double x = RoundX(round, firstRound, lastRound);
            svg.Append(CultureInfo.InvariantCulture, $"    <line x1=\"{F(x)}\" y1=\"{F(Top + PlotHeight)}\" x2=\"{F(x)}\" y2=\"{F(Top + PlotHeight + 5)}\" stroke=\"{AxisColor}\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"    <text x=\"{F(x)}\" y=\"{F(Top + PlotHeight + 20)}\" text-anchor=\"middle\" fill=\"{AxisColor}\">{round}</text>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"    <text x=\"{F(Left + PlotWidth / 2)}\" y=\"{F(Height - 14)}\" text-anchor=\"middle\" fill=\"{AxisColor}\">Round</text>\n");
        svg.Append("  </g>\n");

        svg.Append(CultureInfo.InvariantCulture, $"  <rect x=\"{F(Left)}\" y=\"{F(Top)}\" width=\"{F(PlotWidth)}\" height=\"{F(PlotHeight)}\" fill=\"none\" stroke=\"{AxisColor}\" stroke-width=\"1\"/>\n");

        AppendSeries(svg, "accuracy", AccuracyColor, rounds, firstRound, lastRound, r => r.Accuracy, 1);
        AppendSeries(svg, "loss", LossColor, rounds, firstRound, lastRound, r => r.Loss, lossTop);
        AppendInvalidMarkers(svg, rounds, firstRound, lastRound);
        AppendLegend(svg, rounds.Any(r => !r.Valid));
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void AppendSeries(
        StringBuilder svg, string name, string color, IReadOnlyList<RoundReport> rounds, int firstRound, int lastRound, Func<RoundReport, double> value, double top)
    {
        var points = new StringBuilder();
        var markers = new StringBuilder();

        // A polyline of one point draws nothing, and a few rounds read better with their points marked.
        bool marked = rounds.Count <= MaxMarkedRounds;
        foreach (RoundReport round in rounds)
        {
            double v = value(round);
            if (!double.IsFinite(v))
            {
                continue;
            }

            double x = RoundX(round.Round, firstRound, lastRound);
            double y = Top + PlotHeight * (1 - Math.Clamp(v / top, 0, 1));
            if (points.Length > 0)
            {
                points.Append(' ');
            }

            points.Append(CultureInfo.InvariantCulture, $"{F(x)},{F(y)}");
            if (marked)
            {
                markers.Append(CultureInfo.InvariantCulture, $"    <circle cx=\"{F(x)}\" cy=\"{F(y)}\" r=\"3\" fill=\"{color}\"/>\n");
            }
        }

        svg.Append(CultureInfo.InvariantCulture, $"  <polyline class=\"{name}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" stroke-linejoin=\"round\" points=\"{points}\"/>\n");
        if (markers.Length > 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"  <g class=\"{name}-points\">\n{markers}  </g>\n");
        }
    }

    // A failed round keeps the previous model, so its points repeat the last value; a marker on the axis says why.
    private static void AppendInvalidMarkers(StringBuilder svg, IReadOnlyList<RoundReport> rounds, int firstRound, int lastRound)
    {
        foreach (RoundReport round in rounds.Where(r => !r.Valid))
        {
            double x = RoundX(round.Round, firstRound, lastRound);
            double y = Top + PlotHeight - 6;
            svg.Append(CultureInfo.InvariantCulture, $"  <path class=\"invalid-round\" d=\"M {F(x - 4)} {F(y - 4)} L {F(x + 4)} {F(y + 4)} M {F(x - 4)} {F(y + 4)} L {F(x + 4)} {F(y - 4)}\" stroke=\"#7f7f7f\" stroke-width=\"1.5\"/>\n");
        }
    }

    // One row between the title and the plot, so the legend never hides a line.
    private static void AppendLegend(StringBuilder svg, bool hasInvalidRounds)
    {
        double y = Top - 18;
        double x = Left + PlotWidth - (hasInvalidRounds ? 420 : 280);
        svg.Append("  <g class=\"legend\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"    <line x1=\"{F(x)}\" y1=\"{F(y)}\" x2=\"{F(x + 24)}\" y2=\"{F(y)}\" stroke=\"{AccuracyColor}\" stroke-width=\"2\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"    <text x=\"{F(x + 30)}\" y=\"{F(y + 4)}\" fill=\"{AxisColor}\">Test accuracy (%)</text>\n");
        x += 150;
        svg.Append(CultureInfo.InvariantCulture, $"    <line x1=\"{F(x)}\" y1=\"{F(y)}\" x2=\"{F(x + 24)}\" y2=\"{F(y)}\" stroke=\"{LossColor}\" stroke-width=\"2\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"    <text x=\"{F(x + 30)}\" y=\"{F(y + 4)}\" fill=\"{AxisColor}\">Test loss</text>\n");
        if (hasInvalidRounds)
        {
            x += 130;
            svg.Append(CultureInfo.InvariantCulture, $"    <path d=\"M {F(x + 8)} {F(y - 4)} L {F(x + 16)} {F(y + 4)} M {F(x + 8)} {F(y + 4)} L {F(x + 16)} {F(y - 4)}\" stroke=\"#7f7f7f\" stroke-width=\"1.5\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"    <text x=\"{F(x + 30)}\" y=\"{F(y + 4)}\" fill=\"{AxisColor}\">Failed round</text>\n");
        }

        svg.Append("  </g>\n");
    }

    private static double RoundX(int round, int firstRound, int lastRound) =>
        lastRound == firstRound ? Left + PlotWidth / 2 : Left + PlotWidth * (round - firstRound) / (lastRound - firstRound);

    // 1, 2, 5, 10, 20, 50, ... so that a span of rounds gets at most about ten ticks.
    private static int NiceStep(int span)
    {
        int step = 1;
        while (span / step > 10)
        {
            step = step.ToString(CultureInfo.InvariantCulture)[0] == '2' ? step / 2 * 5 : step * 2;
        }

        return step;
    }

    // The smallest 1, 2, 2.5 or 5 × 10^k at or above the value, so the loss ticks land on round numbers.
    private static double NiceCeiling(double value)
    {
        if (!(value > 0) || !double.IsFinite(value))
        {
            return 1;
        }

        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (double factor in (ReadOnlySpan<double>)[1, 2, 2.5, 5, 10])
        {
            if (factor * magnitude >= value)
            {
                return factor * magnitude;
            }
        }

        return 10 * magnitude;
    }

    private static string Tick(double value) => value.ToString(value >= 10 ? "0" : "0.##", CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal)
            .Replace("\"", "&quot;", StringComparison.Ordinal);
}
