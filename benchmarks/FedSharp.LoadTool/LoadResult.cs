using System.Globalization;

namespace FedSharp.LoadTool;

/// <summary>What one measured window saw.</summary>
internal sealed record LoadResult(long Completed, long Succeeded, long Failed, double Seconds, long ReplyBytes, bool RanOutOfBodies)
{
    public double RequestsPerSecond => Seconds > 0 ? Completed / Seconds : 0;

    public string ToJson(string name) => string.Create(
        CultureInfo.InvariantCulture,
        $"{{\"event\":\"result\",\"name\":\"{name}\",\"requests\":{Completed},\"succeeded\":{Succeeded},\"failed\":{Failed},\"seconds\":{Seconds:F2},\"req_per_s\":{RequestsPerSecond:F0},\"mean_reply_bytes\":{(Completed > 0 ? ReplyBytes / Completed : 0)},\"ran_out_of_bodies\":{(RanOutOfBodies ? "true" : "false")}}}");
}
