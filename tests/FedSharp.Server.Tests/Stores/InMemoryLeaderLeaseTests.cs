using FedSharp.Server.Stores;
using FedSharp.Testing;
using FedSharp.Testing.Stores;

namespace FedSharp.Server.Tests.Stores;

public sealed class InMemoryLeaderLeaseTests : LeaderLeaseContract
{
    private readonly ManualTimeProvider _time = new();

    protected override Task<ILeaderLease> CreateLeaseAsync() => Task.FromResult<ILeaderLease>(new InMemoryLeaderLease(_time));

    protected override Task AdvanceAsync(TimeSpan delta)
    {
        _time.Advance(delta);
        return Task.CompletedTask;
    }
}
