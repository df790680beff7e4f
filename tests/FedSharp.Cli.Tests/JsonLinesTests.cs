using System.Text.Json;

namespace FedSharp.Cli.Tests;

public sealed class JsonLinesTests
{
    [Fact]
    public void Write_DivergedLoss_WritesNullInsteadOfFailing()
    {
        // A sign-flip attack makes FedAvg's model diverge; its test loss is infinite, which JSON cannot hold.
        using var output = new StringWriter();

        JsonLines.Write(output, new Line(6, double.PositiveInfinity, double.NaN, 0.1));

        JsonElement line = JsonDocument.Parse(output.ToString()).RootElement;
        Assert.Equal(JsonValueKind.Null, line.GetProperty("loss").ValueKind);
        Assert.Equal(JsonValueKind.Null, line.GetProperty("other_loss").ValueKind);
        Assert.Equal(0.1, line.GetProperty("accuracy").GetDouble());
        Assert.Equal(6, line.GetProperty("round").GetInt32());
    }

    private sealed record Line(int Round, double Loss, double OtherLoss, double Accuracy);
}
