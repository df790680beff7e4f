using FedSharp.Server.Stores;

namespace FedSharp.Testing.Stores;

/// <summary>
/// What every <see cref="ILeaderLease"/> must do; a test class per implementation (in memory, Redis, Garnet) inherits
/// it and says how time passes for it: a manual clock that the lease reads, so no test waits for an expiry.
/// </summary>
public abstract class LeaderLeaseContract
{
    protected static readonly TimeSpan Duration = TimeSpan.FromSeconds(2);

    protected abstract Task<ILeaderLease> CreateLeaseAsync();

    /// <summary>Lets at least <paramref name="delta"/> pass on the lease's clock.</summary>
    protected abstract Task AdvanceAsync(TimeSpan delta);

    [Fact]
    public async Task TryAcquireAsync_Free_GrantsWithToken()
    {
        ILeaderLease lease = await CreateLeaseAsync();

        LeaseGrant? grant = await lease.TryAcquireAsync("server-a", Duration, CancellationToken.None);

        Assert.NotNull(grant);
        Assert.Equal("server-a", grant.HolderId);
        Assert.True(grant.FencingToken > 0);
    }

    [Fact]
    public async Task TryAcquireAsync_HeldByAnother_ReturnsNull()
    {
        ILeaderLease lease = await CreateLeaseAsync();
        await lease.TryAcquireAsync("server-a", Duration, CancellationToken.None);

        LeaseGrant? grant = await lease.TryAcquireAsync("server-b", Duration, CancellationToken.None);

        Assert.Null(grant);
    }

    [Fact]
    public async Task TryAcquireAsync_HolderAgain_KeepsToken()
    {
        ILeaderLease lease = await CreateLeaseAsync();
        LeaseGrant first = (await lease.TryAcquireAsync("server-a", Duration, CancellationToken.None))!;

        LeaseGrant? again = await lease.TryAcquireAsync("server-a", Duration, CancellationToken.None);

        Assert.Equal(first.FencingToken, again!.FencingToken);
    }

    [Fact]
    public async Task TryAcquireAsync_AfterExpiry_NewHolderGetsLargerToken()
    {
        ILeaderLease lease = await CreateLeaseAsync();
        LeaseGrant first = (await lease.TryAcquireAsync("server-a", Duration, CancellationToken.None))!;
        await AdvanceAsync(Duration + TimeSpan.FromMilliseconds(100));

        LeaseGrant? second = await lease.TryAcquireAsync("server-b", Duration, CancellationToken.None);

        Assert.NotNull(second);
        Assert.True(second.FencingToken > first.FencingToken);
    }

    [Fact]
    public async Task TryRenewAsync_ByHolder_Extends()
    {
        ILeaderLease lease = await CreateLeaseAsync();
        LeaseGrant grant = (await lease.TryAcquireAsync("server-a", Duration, CancellationToken.None))!;
        await AdvanceAsync(Duration / 2);

        LeaseGrant? renewed = await lease.TryRenewAsync(grant, Duration, CancellationToken.None);
        await AdvanceAsync(Duration * 3 / 4);
        LeaseGrant? other = await lease.TryAcquireAsync("server-b", Duration, CancellationToken.None);

        Assert.NotNull(renewed);
        Assert.Equal(grant.FencingToken, renewed.FencingToken);
        Assert.Null(other);
    }

    [Fact]
    public async Task TryRenewAsync_AfterTakeover_ReturnsNull()
    {
        ILeaderLease lease = await CreateLeaseAsync();
        LeaseGrant stale = (await lease.TryAcquireAsync("server-a", Duration, CancellationToken.None))!;
        await AdvanceAsync(Duration + TimeSpan.FromMilliseconds(100));
        await lease.TryAcquireAsync("server-b", Duration, CancellationToken.None);

        LeaseGrant? renewed = await lease.TryRenewAsync(stale, Duration, CancellationToken.None);

        Assert.Null(renewed);
    }

    [Fact]
    public async Task ReleaseAsync_ByHolder_FreesLease()
    {
        ILeaderLease lease = await CreateLeaseAsync();
        LeaseGrant grant = (await lease.TryAcquireAsync("server-a", Duration, CancellationToken.None))!;

        bool released = await lease.ReleaseAsync(grant, CancellationToken.None);
        LeaseGrant? next = await lease.TryAcquireAsync("server-b", Duration, CancellationToken.None);

        Assert.True(released);
        Assert.True(next!.FencingToken > grant.FencingToken);
    }

    [Fact]
    public async Task ReleaseAsync_StaleGrant_ReturnsFalseAndKeepsHolder()
    {
        ILeaderLease lease = await CreateLeaseAsync();
        LeaseGrant stale = (await lease.TryAcquireAsync("server-a", Duration, CancellationToken.None))!;
        await AdvanceAsync(Duration + TimeSpan.FromMilliseconds(100));
        await lease.TryAcquireAsync("server-b", Duration, CancellationToken.None);

        bool released = await lease.ReleaseAsync(stale, CancellationToken.None);
        LeaseGrant? third = await lease.TryAcquireAsync("server-c", Duration, CancellationToken.None);

        Assert.False(released);
        Assert.Null(third);
    }
}
