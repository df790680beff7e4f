using FedSharp.Server.Stores;
using FedSharp.Testing.Stores;

namespace FedSharp.Server.Tests.Stores;

public sealed class InMemoryUpdateStoreTests : UpdateStoreContract
{
    protected override Task<IUpdateStore> CreateStoreAsync() => Task.FromResult<IUpdateStore>(new InMemoryUpdateStore());
}
