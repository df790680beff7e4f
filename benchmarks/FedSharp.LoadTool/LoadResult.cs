using System.Globalization;

namespace FedSharp.LoadTool;

/// <summary>
/// What one measured window saw. Accepted replies (HTTP 200 with the outcome the load means to measure, e.g. an
/// updateModel taken into the sum) are counted apart from refused ones (any other status or retcode), and the
/// throughput figure is accepted replies per second: a server that answers fast by refusing does not look fast.
/// </summary>
internal sealed record LoadResult(long Completed, long Succeeded, long Failed, double Seconds, long ReplyBytes, bool RanOutOfBodies)
{
    public double RequestsPerSecond => Seconds > 0 ? Completed / Seconds : 0;

    public double AcceptedPerSecond => Seconds > 0 ? Succeeded / Seconds : 0;

    public string ToJson(string name) => string.Create(
        CultureInfo.InvariantCulture,
        $"{{\"event\":\"result\",\"name\":\"{name}\",\"requests\":{Completed},\"accepted\":{Succeeded},\"refused\":{Failed},\"seconds\":{Seconds:F2},\"req_per_s\":{RequestsPerSecond:F0},\"accepted_per_s\":{AcceptedPerSecond:F0},\"mean_reply_bytes\":{(Completed > 0 ? ReplyBytes / Completed : 0)},\"ran_out_of_bodies\":{(RanOutOfBodies ? "true" : "false")}}}");
}
