using FedSharp.Core.Models;

namespace FedSharp.Server.Stores;

/// <summary>
/// Per-iteration accumulators of client updates. With the default <see cref="Strategies.AccumulatorKind.WeightedSum"/>
/// each update is folded in as data size × parameters on arrival and never kept on its own, so memory stays one model
/// per open iteration however many clients contribute; see <see cref="Kind"/> for the others.
/// </summary>
public interface IUpdateStore
{
    /// <summary>
    /// How this store holds an iteration's updates; it must be the strategy's <see cref="Strategies.IStrategy.Accumulator"/>
    /// (the coordinator refuses to start otherwise). Default: the weighted float32 sum.
    /// </summary>
    Strategies.AccumulatorKind Kind => Strategies.AccumulatorKind.WeightedSum;

    /// <summary>
    /// Adds every update to the sum of its own iteration, in one batch (an implementation on a remote store sends it
    /// in one round trip). A client already in an iteration's sum is skipped, which makes retries safe; an update for
    /// an iteration at or below the newest one discarded is dropped, so a late add cannot bring an ended sum back.
    /// </summary>
    /// <returns>One receipt per update, in order: what happened to it and how many updates its iteration now holds.</returns>
    /// <exception cref="ArgumentException">An update's names or shapes differ from the earlier updates of its iteration.</exception>
    Task<IReadOnlyList<UpdateReceipt>> AddAsync(IReadOnlyList<ClientUpdate> updates, CancellationToken cancellationToken);

    /// <summary>A snapshot of the sum of <paramref name="iteration"/>, or null when nothing was added to it.</summary>
    Task<IterationAggregate?> ReadAsync(int iteration, CancellationToken cancellationToken);

    /// <summary>
    /// Drops the sum of <paramref name="iteration"/> and closes it and every earlier iteration to later adds; doing so
    /// twice is harmless.
    /// </summary>
    Task DiscardAsync(int iteration, CancellationToken cancellationToken);
}
