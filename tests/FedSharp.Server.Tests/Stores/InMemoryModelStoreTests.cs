using FedSharp.Server.Stores;
using FedSharp.Testing.Stores;

namespace FedSharp.Server.Tests.Stores;

public sealed class InMemoryModelStoreTests : ModelStoreContract
{
    protected override Task<IModelStore> CreateStoreAsync() => Task.FromResult<IModelStore>(new InMemoryModelStore());
}
