namespace FedSharp.Server.Strategies;

/// <summary>The accumulator a strategy chooses, with the memory it costs an iteration.</summary>
/// <param name="Kind">How updates are held.</param>
public sealed record Accumulator(AccumulatorKind Kind)
{
    /// <summary>Today's streaming weighted float32 sum.</summary>
    public static Accumulator WeightedSum { get; } = new(AccumulatorKind.WeightedSum);

    /// <summary>The integer ring sum of masked updates.</summary>
    public static Accumulator RingSum { get; } = new(AccumulatorKind.RingSum);

    /// <summary>A buffer of individual updates.</summary>
    public static Accumulator IndividualUpdates { get; } = new(AccumulatorKind.IndividualUpdates);

    /// <summary>
    /// Bytes of parameter values one iteration holds with <paramref name="participants"/> updates of a model of
    /// <paramref name="parameterCount"/> float32 values: 4·P for the sums, 4·P·participants for the buffer (client
    /// ids and per-update bookkeeping come on top).
    /// </summary>
    /// <param name="parameterCount">Values in the model, P.</param>
    /// <param name="participants">Updates in the iteration.</param>
    /// <returns>The bound in bytes.</returns>
    public long MemoryBoundBytes(long parameterCount, int participants)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
        ArgumentOutOfRangeException.ThrowIfNegative(participants);
        return Kind == AccumulatorKind.IndividualUpdates
            ? parameterCount * sizeof(float) * participants
            : parameterCount * sizeof(float);
    }
}
