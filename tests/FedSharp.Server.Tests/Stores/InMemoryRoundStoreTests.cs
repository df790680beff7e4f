using FedSharp.Server.Stores;
using FedSharp.Testing.Stores;

namespace FedSharp.Server.Tests.Stores;

public sealed class InMemoryRoundStoreTests : RoundStoreContract
{
    protected override Task<IRoundStore> CreateStoreAsync() => Task.FromResult<IRoundStore>(new InMemoryRoundStore());
}
