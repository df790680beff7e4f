using FedSharp.Server.Stores;

namespace FedSharp.Server.Tests.Stores;

public sealed class InMemoryModelStoreTests : ModelStoreContract
{
    protected override Task<IModelStore> CreateStoreAsync() => Task.FromResult<IModelStore>(new InMemoryModelStore());
}
