using FedSharp.Server.Stores;

namespace FedSharp.Server.Tests.Stores;

/// <summary>What every <see cref="IModelStore"/> must do; a test class per implementation inherits it.</summary>
public abstract class ModelStoreContract
{
    protected abstract Task<IModelStore> CreateStoreAsync();

    [Fact]
    public async Task GetCurrentAsync_NothingPublished_ReturnsNull()
    {
        IModelStore store = await CreateStoreAsync();

        Assert.Null(await store.GetCurrentAsync(CancellationToken.None));
    }

    [Fact]
    public async Task TryPublishAsync_NewerIteration_BecomesCurrent()
    {
        IModelStore store = await CreateStoreAsync();
        await store.TryPublishAsync(new PublishedModel(0, Models.Filled(0)), CancellationToken.None);

        bool published = await store.TryPublishAsync(new PublishedModel(1, Models.Filled(1)), CancellationToken.None);
        PublishedModel current = (await store.GetCurrentAsync(CancellationToken.None))!;

        Assert.True(published);
        Assert.Equal(1, current.Iteration);
        Assert.Equal(Models.Flatten(Models.Filled(1)), Models.Flatten(current.Parameters));
    }

    [Fact]
    public async Task TryPublishAsync_OlderOrSameIteration_RefusedAndCurrentKept()
    {
        IModelStore store = await CreateStoreAsync();
        await store.TryPublishAsync(new PublishedModel(3, Models.Filled(3)), CancellationToken.None);

        bool same = await store.TryPublishAsync(new PublishedModel(3, Models.Filled(9)), CancellationToken.None);
        bool older = await store.TryPublishAsync(new PublishedModel(2, Models.Filled(2)), CancellationToken.None);
        PublishedModel current = (await store.GetCurrentAsync(CancellationToken.None))!;

        Assert.False(same);
        Assert.False(older);
        Assert.Equal(Models.Flatten(Models.Filled(3)), Models.Flatten(current.Parameters));
    }

    [Fact]
    public async Task TryPublishAsync_PublisherMutatesItsBufferAfterwards_StoredModelUnchanged()
    {
        IModelStore store = await CreateStoreAsync();
        var parameters = Models.Filled(1);
        await store.TryPublishAsync(new PublishedModel(1, parameters), CancellationToken.None);

        parameters[0].Values[0] = 42;
        PublishedModel current = (await store.GetCurrentAsync(CancellationToken.None))!;

        Assert.Equal(1f, current.Parameters[0].Values[0]);
    }
}
