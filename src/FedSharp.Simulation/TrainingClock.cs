namespace FedSharp.Simulation;

/// <summary>Sums the local training time of every client, from any thread.</summary>
internal sealed class TrainingClock
{
    private long _ticks;

    /// <summary>Measures with <paramref name="time"/>.</summary>
    public TrainingClock(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        Time = time;
    }

    /// <summary>The clock trainings are timed with.</summary>
    public TimeProvider Time { get; }

    /// <summary>The total so far.</summary>
    public TimeSpan Total => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

    /// <summary>Adds one training's duration.</summary>
    public void Add(TimeSpan duration) => Interlocked.Add(ref _ticks, duration.Ticks);
}
