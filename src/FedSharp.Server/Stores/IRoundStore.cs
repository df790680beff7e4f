using FedSharp.Server.Rounds;

namespace FedSharp.Server.Stores;

/// <summary>
/// Where the instance's <see cref="RoundState"/> lives, shared by every server. Writes are compare-and-set on
/// <see cref="RoundState.Version"/>, so concurrent servers never overwrite each other's transitions.
/// </summary>
public interface IRoundStore
{
    /// <summary>The saved state, or null when the instance has not been created.</summary>
    Task<RoundState?> GetAsync(CancellationToken cancellationToken);

    /// <summary>Saves <paramref name="initial"/> as version 1 when no state exists; false when one already does.</summary>
    Task<bool> TryCreateAsync(RoundState initial, CancellationToken cancellationToken);

    /// <summary>
    /// Saves <paramref name="state"/> as version <paramref name="expectedVersion"/> + 1 when the saved version is
    /// <paramref name="expectedVersion"/>; false (nothing written) when another writer got there first.
    /// </summary>
    Task<bool> TryUpdateAsync(RoundState state, long expectedVersion, CancellationToken cancellationToken);
}
