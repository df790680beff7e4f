using FedSharp.Core.Models;
using FedSharp.Server.Stores;

namespace FedSharp.Testing.Stores;

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
        await store.TryPublishAsync(new PublishedModel(0, Filled(0)), CancellationToken.None);

        bool published = await store.TryPublishAsync(new PublishedModel(1, Filled(1)), CancellationToken.None);
        PublishedModel current = (await store.GetCurrentAsync(CancellationToken.None))!;

        Assert.True(published);
        Assert.Equal(1, current.Iteration);
        Assert.Equal(Flatten(Filled(1)), Flatten(current.Parameters));
    }

    [Fact]
    public async Task TryPublishAsync_OlderOrSameIteration_RefusedAndCurrentKept()
    {
        IModelStore store = await CreateStoreAsync();
        await store.TryPublishAsync(new PublishedModel(3, Filled(3)), CancellationToken.None);

        bool same = await store.TryPublishAsync(new PublishedModel(3, Filled(9)), CancellationToken.None);
        bool older = await store.TryPublishAsync(new PublishedModel(2, Filled(2)), CancellationToken.None);
        PublishedModel current = (await store.GetCurrentAsync(CancellationToken.None))!;

        Assert.False(same);
        Assert.False(older);
        Assert.Equal(Flatten(Filled(3)), Flatten(current.Parameters));
    }

    [Fact]
    public async Task TryPublishAsync_PublisherMutatesItsBufferAfterwards_StoredModelUnchanged()
    {
        IModelStore store = await CreateStoreAsync();
        var parameters = Filled(1);
        await store.TryPublishAsync(new PublishedModel(1, parameters), CancellationToken.None);

        parameters[0].Values[0] = 42;
        PublishedModel current = (await store.GetCurrentAsync(CancellationToken.None))!;

        Assert.Equal(1f, current.Parameters[0].Values[0]);
    }

    /// <summary>A 2×2 weight and a 2-value bias, every value <paramref name="value"/>.</summary>
    protected static ModelParameters Filled(float value) => new(
    [
        new ParameterTensor("fc.weight", [2, 2], [value, value, value, value]),
        new ParameterTensor("fc.bias", [2], [value, value]),
    ]);

    protected static float[] Flatten(ModelParameters model) => [.. model.Tensors.SelectMany(t => t.Values)];
}
