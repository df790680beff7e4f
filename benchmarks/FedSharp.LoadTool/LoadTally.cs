using System.Diagnostics;

namespace FedSharp.LoadTool;

/// <summary>
/// The counts of one measured window, shared by the generators' workers: replies before the warm-up ends or after
/// the deadline are not counted, and the first unexpected reply is printed once to say why the load is not taking
/// the path it means to measure.
/// </summary>
internal sealed class LoadTally
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly long _measureStart;
    private readonly long _measureEnd;
    private long _exhaustedAt = long.MaxValue;
    private long _completed;
    private long _succeeded;
    private long _failed;
    private long _bytes;
    private int _reportedFailure;

    public LoadTally(TimeSpan warmUp, TimeSpan duration)
    {
        _measureStart = (long)(warmUp.TotalSeconds * Stopwatch.Frequency);
        _measureEnd = _measureStart + (long)(duration.TotalSeconds * Stopwatch.Frequency);
    }

    /// <summary>Whether workers should send another request.</summary>
    public bool Running => _clock.ElapsedTicks < _measureEnd;

    /// <summary>Notes that the supply of request bodies ran out: the window ends now.</summary>
    public void Exhausted() => Interlocked.CompareExchange(ref _exhaustedAt, _clock.ElapsedTicks, long.MaxValue);

    /// <summary>Counts one reply if it arrived inside the window.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="length">The body's length.</param>
    /// <param name="ok">Whether the reply is the outcome the load expects.</param>
    /// <param name="head">The body's first bytes, printed for the first unexpected reply.</param>
    public void Record(int status, int length, bool ok, ReadOnlySpan<byte> head)
    {
        long now = _clock.ElapsedTicks;
        if (now < _measureStart || now > _measureEnd)
        {
            return;
        }

        Interlocked.Increment(ref _completed);
        Interlocked.Add(ref _bytes, length);
        Interlocked.Increment(ref ok ? ref _succeeded : ref _failed);
        if (!ok && Interlocked.Exchange(ref _reportedFailure, 1) == 0)
        {
            Console.Error.WriteLine($"first unexpected reply: HTTP {status}, {length} bytes: {Convert.ToHexString(head[..Math.Min(head.Length, 64)])}");
        }
    }

    /// <summary>The window's result, once every worker has stopped.</summary>
    public LoadResult Result()
    {
        long end = Math.Min(_measureEnd, Interlocked.Read(ref _exhaustedAt));
        double seconds = Math.Max(0, end - _measureStart) / (double)Stopwatch.Frequency;
        return new LoadResult(_completed, _succeeded, _failed, seconds, _bytes, _exhaustedAt != long.MaxValue);
    }
}
