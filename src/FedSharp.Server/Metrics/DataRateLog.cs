using System.Globalization;
using System.Text;

namespace FedSharp.Server.Metrics;

/// <summary>
/// MindSpore's <c>summary.data_rate_dir</c>: the bytes this server received and sent for device rounds, counted per
/// second and appended every 60 seconds as JSON lines <c>{"time":"2026-12-06 07:01:05","send":178117,"receive":2048}</c>
/// to <c>&lt;directory&gt;/&lt;YYYY-MM-DD&gt;_flow_server&lt;name&gt;.json</c>, one file per day.
/// </summary>
/// <remarks>
/// Bytes are protobuf bodies as the round handler sees them (no HTTP framing or TLS). Seconds without traffic write no
/// line. Times and the day of the file name are UTC (MindSpore writes local time), so the servers of a cluster in
/// different zones agree. <see cref="Dispose"/> writes what is still counted. Thread-safe.
/// </remarks>
public sealed class DataRateLog : IDisposable
{
    /// <summary>How often counted seconds are appended (MindSpore's period).</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(60);

    private readonly Lock _gate = new();
    private readonly string _directory;
    private readonly string _serverName;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private SortedDictionary<long, (long Send, long Receive)> _seconds = [];

    /// <summary>Creates the directory and starts counting.</summary>
    /// <param name="directory">Where the daily files go.</param>
    /// <param name="serverName">Names this server in the file name (characters other than letters, digits, '.', '-' and '_' become '_').</param>
    /// <param name="time">Clock of the per-second buckets and of the 60-second flush timer.</param>
    /// <exception cref="IOException">The directory cannot be created; the message names it and the key.</exception>
    public DataRateLog(string directory, string serverName, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(serverName);
        ArgumentNullException.ThrowIfNull(time);
        _directory = directory;
        _serverName = string.Concat(serverName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_'));
        _time = time;
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot create the traffic log directory '{Path.GetFullPath(directory)}' (summary.data_rate_dir): {ex.Message} Create it, make it writable, or change summary.data_rate_dir.", ex);
        }

        _timer = time.CreateTimer(_ => FlushOrKeep(), null, FlushInterval, FlushInterval);
    }

    /// <summary>Adds one request's bytes to the current second.</summary>
    /// <param name="received">Bytes of the request body.</param>
    /// <param name="sent">Bytes of the reply body.</param>
    public void Record(long received, long sent)
    {
        long second = _time.GetUtcNow().ToUnixTimeSeconds();
        lock (_gate)
        {
            _seconds.TryGetValue(second, out (long Send, long Receive) bucket);
            _seconds[second] = (bucket.Send + sent, bucket.Receive + received);
        }
    }

    /// <summary>Appends every counted second to its day's file and starts counting afresh.</summary>
    /// <exception cref="IOException">A file cannot be appended to; the message names it. The seconds not yet written are kept.</exception>
    public void Flush()
    {
        SortedDictionary<long, (long Send, long Receive)> seconds = Take();
        try
        {
            Write(seconds);
        }
        catch (IOException)
        {
            Restore(seconds);
            throw;
        }
    }

    /// <summary>Stops the timer and writes what is still counted.</summary>
    /// <exception cref="IOException">A file cannot be appended to; the message names it.</exception>
    public void Dispose()
    {
        _timer.Dispose();
        Flush();
    }

    // On the timer's thread an exception would end the process; a disk that refuses keeps the counts for the next
    // minute instead, and Dispose (at shutdown) reports the fault.
    private void FlushOrKeep()
    {
        try
        {
            Flush();
        }
        catch (IOException)
        {
        }
    }

    private SortedDictionary<long, (long Send, long Receive)> Take()
    {
        lock (_gate)
        {
            SortedDictionary<long, (long Send, long Receive)> seconds = _seconds;
            _seconds = [];
            return seconds;
        }
    }

    private void Restore(SortedDictionary<long, (long Send, long Receive)> unwritten)
    {
        lock (_gate)
        {
            foreach ((long second, (long send, long receive)) in unwritten)
            {
                _seconds.TryGetValue(second, out (long Send, long Receive) bucket);
                _seconds[second] = (bucket.Send + send, bucket.Receive + receive);
            }
        }
    }

    // Writes day by day, removing each day from seconds once its file has it, so a failure leaves only the unwritten.
    private void Write(SortedDictionary<long, (long Send, long Receive)> seconds)
    {
        foreach (IGrouping<string, KeyValuePair<long, (long Send, long Receive)>> day in seconds.GroupBy(s => Day(s.Key)).ToList())
        {
            var lines = new StringBuilder();
            foreach ((long second, (long send, long receive)) in day)
            {
                string time = DateTimeOffset.FromUnixTimeSeconds(second).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
                lines.Append(CultureInfo.InvariantCulture, $"{{\"time\":\"{time}\",\"send\":{send},\"receive\":{receive}}}\n");
            }

            string path = Path.Combine(_directory, $"{day.Key}_flow_server{_serverName}.json");
            try
            {
                File.AppendAllText(path, lines.ToString());
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"Cannot append the traffic log '{Path.GetFullPath(path)}' (summary.data_rate_dir): {ex.Message} Make the directory writable or change summary.data_rate_dir.", ex);
            }

            foreach (long second in day.Select(d => d.Key))
            {
                seconds.Remove(second);
            }
        }
    }

    private static string Day(long second) => DateTimeOffset.FromUnixTimeSeconds(second).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
