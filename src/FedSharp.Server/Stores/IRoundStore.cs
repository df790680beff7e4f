using FedSharp.Server.Rounds;

namespace FedSharp.Server.Stores;

/// <summary>
/// Where the instance's <see cref="RoundState"/> and the current iteration's <see cref="ClientRegistration"/>s live,
/// shared by every server. Writes are compare-and-set on <see cref="RoundState.Version"/>, so concurrent servers never
/// overwrite each other's transitions; a write carries the small scalar state and only the registrations it changes.
/// </summary>
/// <remarks>
/// A request costs one read (<see cref="GetAsync(string, CancellationToken)"/>: the state and the asking client's
/// registration together) and, when it changes something, one compare-and-set. Only a random draw reads every
/// registration, once per iteration.
/// </remarks>
public interface IRoundStore
{
    /// <summary>The saved state, or null when the instance has not been created.</summary>
    Task<RoundState?> GetAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The saved state and <paramref name="clientId"/>'s registration in its iteration, read together (one round trip
    /// on a remote store), or null when the instance has not been created.
    /// </summary>
    Task<RoundSnapshot?> GetAsync(string clientId, CancellationToken cancellationToken);

    /// <summary>Every registration of <paramref name="iteration"/>, in no particular order; empty when it is not the current iteration.</summary>
    Task<IReadOnlyList<ClientRegistration>> GetRegistrationsAsync(int iteration, CancellationToken cancellationToken);

    /// <summary>Saves <paramref name="initial"/> as version 1 with no registrations when no state exists; false when one already does.</summary>
    Task<bool> TryCreateAsync(RoundState initial, CancellationToken cancellationToken);

    /// <summary>
    /// Saves <paramref name="state"/> as version <paramref name="expectedVersion"/> + 1, with <paramref name="registrations"/>
    /// written over those of the same clients in order, when the saved version is <paramref name="expectedVersion"/>;
    /// false (nothing written) when another writer got there first. When <paramref name="state"/> is in a later iteration
    /// than the saved one, the older iteration's registrations are dropped; registrations of another iteration than
    /// <paramref name="state"/>'s are ignored.
    /// </summary>
    Task<bool> TryUpdateAsync(RoundState state, IReadOnlyList<ClientRegistration> registrations, long expectedVersion, CancellationToken cancellationToken);
}
