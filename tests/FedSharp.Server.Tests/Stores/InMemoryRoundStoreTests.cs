using FedSharp.Server.Stores;

namespace FedSharp.Server.Tests.Stores;

public sealed class InMemoryRoundStoreTests : RoundStoreContract
{
    protected override Task<IRoundStore> CreateStoreAsync() => Task.FromResult<IRoundStore>(new InMemoryRoundStore());
}
