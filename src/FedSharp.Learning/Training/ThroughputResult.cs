namespace FedSharp.Learning.Training;

/// <summary>A training-throughput measurement on one thread.</summary>
/// <param name="Samples">Samples trained on (forward, backward and optimizer step) inside the timed window.</param>
/// <param name="Elapsed">The timed window, measured by the injected clock.</param>
public readonly record struct ThroughputResult(long Samples, TimeSpan Elapsed)
{
    /// <summary>Samples per second of the timed window; 0 when no time elapsed.</summary>
    public double SamplesPerSecond => Elapsed > TimeSpan.Zero ? Samples / Elapsed.TotalSeconds : 0;
}
