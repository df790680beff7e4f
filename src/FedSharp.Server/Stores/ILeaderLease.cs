namespace FedSharp.Server.Stores;

/// <summary>
/// A time-bounded exclusive role among servers (the one that merges partial sums and opens iterations in a
/// cluster), with a fencing token so that a holder that paused past its expiry cannot act on stale authority.
/// </summary>
public interface ILeaderLease
{
    /// <summary>
    /// Takes the lease for <paramref name="duration"/> when it is free or lapsed (with a larger fencing token than
    /// any before), or extends it when <paramref name="holderId"/> already holds it (same token); null when another
    /// holder has it.
    /// </summary>
    Task<LeaseGrant?> TryAcquireAsync(string holderId, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Extends <paramref name="grant"/> by <paramref name="duration"/> from now; null when it lapsed or was taken over.</summary>
    Task<LeaseGrant?> TryRenewAsync(LeaseGrant grant, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Gives the lease up; false when <paramref name="grant"/> no longer holds it.</summary>
    Task<bool> ReleaseAsync(LeaseGrant grant, CancellationToken cancellationToken);
}
