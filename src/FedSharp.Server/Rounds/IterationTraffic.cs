namespace FedSharp.Server.Rounds;

/// <summary>
/// Tensor payload bytes moved during one iteration by this server, and how long its accepted updates took after their
/// clients joined; updated from many request threads.
/// </summary>
internal sealed class IterationTraffic
{
    private long _bytesIn;
    private long _bytesOut;
    private int _withinLevel1;
    private int _withinLevel2;
    private int _updates;

    /// <summary>Accepted updates that came less than participation-time level 1 after their client joined.</summary>
    public int WithinLevel1 => Volatile.Read(ref _withinLevel1);

    /// <summary>Accepted updates that came less than level 2 after their client joined (level 1's included).</summary>
    public int WithinLevel2 => Volatile.Read(ref _withinLevel2);

    /// <summary>Every accepted update (MindSpore's level 3, below infinity).</summary>
    public int Updates => Volatile.Read(ref _updates);

    // Cumulative buckets, as MindSpore counts them: an update within level 1 is also within level 2.
    public void AddParticipation(TimeSpan sinceJoined, TimeSpan level1, TimeSpan level2)
    {
        if (sinceJoined < level1)
        {
            Interlocked.Increment(ref _withinLevel1);
        }

        if (sinceJoined < level2)
        {
            Interlocked.Increment(ref _withinLevel2);
        }

        Interlocked.Increment(ref _updates);
    }

    public long BytesIn => Interlocked.Read(ref _bytesIn);

    public long BytesOut => Interlocked.Read(ref _bytesOut);

    public void AddIn(long bytes) => Interlocked.Add(ref _bytesIn, bytes);

    public void AddOut(long bytes) => Interlocked.Add(ref _bytesOut, bytes);
}
