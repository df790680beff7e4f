using FedSharp.Core.Models;
using FedSharp.Server.Stores;

namespace FedSharp.Testing.Stores;

/// <summary>What every <see cref="IUpdateStore"/> must do; a test class per implementation inherits it.</summary>
public abstract class UpdateStoreContract
{
    protected abstract Task<IUpdateStore> CreateStoreAsync();

    [Fact]
    public async Task ReadAsync_NothingAdded_ReturnsNull()
    {
        IUpdateStore store = await CreateStoreAsync();

        IterationAggregate? aggregate = await store.ReadAsync(1, CancellationToken.None);

        Assert.Null(aggregate);
    }

    [Fact]
    public async Task AddAsync_TwoUpdates_SumIsDataSizeWeighted()
    {
        IUpdateStore store = await CreateStoreAsync();
        ClientUpdate a = new("a", 1, Create(1, 2, 3, 4, 5, 6), dataSize: 2, loss: 1.0f, accuracy: 0.5f);
        ClientUpdate b = new("b", 1, Create(-1, 0.5f, 0, 8, 1, 1), dataSize: 3, loss: 2.0f);

        IReadOnlyList<UpdateReceipt> receipts = await store.AddAsync([a, b], CancellationToken.None);
        IterationAggregate aggregate = (await store.ReadAsync(1, CancellationToken.None))!;

        Assert.Equal([new UpdateReceipt(UpdateAdmission.Added, 1), new UpdateReceipt(UpdateAdmission.Added, 2)], receipts);
        Assert.Equal([-1f, 5.5f, 6f, 32f, 13f, 15f], Flatten(aggregate.WeightedSum));
        Assert.Equal(5, aggregate.TotalWeight);
        Assert.Equal(["a", "b"], aggregate.Contributors);
        Assert.Equal(1.6, aggregate.MeanLoss!.Value, 12);
        Assert.Equal(0.5, aggregate.MeanAccuracy!.Value, 12);
    }

    [Fact]
    public async Task AddAsync_SameClientTwice_SecondSkipped()
    {
        IUpdateStore store = await CreateStoreAsync();
        await store.AddAsync([new ClientUpdate("a", 1, Filled(1), 4)], CancellationToken.None);

        IReadOnlyList<UpdateReceipt> receipts = await store.AddAsync([new ClientUpdate("a", 1, Filled(100), 4)], CancellationToken.None);
        IterationAggregate aggregate = (await store.ReadAsync(1, CancellationToken.None))!;

        Assert.Equal([new UpdateReceipt(UpdateAdmission.AlreadyHeld, 1)], receipts);
        Assert.Equal(4, aggregate.TotalWeight);
        Assert.All(Flatten(aggregate.WeightedSum), v => Assert.Equal(4f, v));
    }

    [Fact]
    public async Task AddAsync_DifferentIterations_KeptApart()
    {
        IUpdateStore store = await CreateStoreAsync();

        await store.AddAsync([new ClientUpdate("a", 1, Filled(1), 1), new ClientUpdate("a", 2, Filled(2), 1)], CancellationToken.None);

        Assert.All(Flatten((await store.ReadAsync(1, CancellationToken.None))!.WeightedSum), v => Assert.Equal(1f, v));
        Assert.All(Flatten((await store.ReadAsync(2, CancellationToken.None))!.WeightedSum), v => Assert.Equal(2f, v));
    }

    [Fact]
    public async Task AddAsync_LayoutDiffersFromIteration_Throws()
    {
        IUpdateStore store = await CreateStoreAsync();
        await store.AddAsync([new ClientUpdate("a", 1, Filled(1), 1)], CancellationToken.None);
        var other = new ModelParameters([new ParameterTensor("other", [3], [1, 2, 3])]);

        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => store.AddAsync([new ClientUpdate("b", 1, other, 1)], CancellationToken.None));

        Assert.Contains("'b'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiscardAsync_AfterAdds_IterationGone()
    {
        IUpdateStore store = await CreateStoreAsync();
        await store.AddAsync([new ClientUpdate("a", 1, Filled(1), 1)], CancellationToken.None);

        await store.DiscardAsync(1, CancellationToken.None);
        await store.DiscardAsync(1, CancellationToken.None);

        Assert.Null(await store.ReadAsync(1, CancellationToken.None));
    }

    [Fact]
    public async Task AddAsync_AfterDiscard_IterationAndEarlierOnesStayClosed_LaterOnesOpen()
    {
        IUpdateStore store = await CreateStoreAsync();
        await store.AddAsync([new ClientUpdate("a", 2, Filled(1), 1)], CancellationToken.None);
        await store.DiscardAsync(2, CancellationToken.None);

        IReadOnlyList<UpdateReceipt> receipts = await store.AddAsync(
            [new ClientUpdate("b", 2, Filled(1), 1), new ClientUpdate("c", 1, Filled(1), 1), new ClientUpdate("d", 3, Filled(1), 1)],
            CancellationToken.None);

        Assert.Equal([new UpdateReceipt(UpdateAdmission.IterationClosed, 0), new UpdateReceipt(UpdateAdmission.IterationClosed, 0), new UpdateReceipt(UpdateAdmission.Added, 1)], receipts);
        Assert.Null(await store.ReadAsync(2, CancellationToken.None));
        Assert.Null(await store.ReadAsync(1, CancellationToken.None));
        Assert.Equal(["d"], (await store.ReadAsync(3, CancellationToken.None))!.Contributors);
    }

    [Fact]
    public async Task ReadAsync_ThenMoreAdds_SnapshotUnchanged()
    {
        IUpdateStore store = await CreateStoreAsync();
        await store.AddAsync([new ClientUpdate("a", 1, Filled(1), 1)], CancellationToken.None);
        IterationAggregate snapshot = (await store.ReadAsync(1, CancellationToken.None))!;

        await store.AddAsync([new ClientUpdate("b", 1, Filled(1), 1)], CancellationToken.None);

        Assert.Equal(1, snapshot.TotalWeight);
        Assert.All(Flatten(snapshot.WeightedSum), v => Assert.Equal(1f, v));
    }

    [Fact]
    public async Task AddAsync_ManyConcurrentClients_LosesNothing()
    {
        IUpdateStore store = await CreateStoreAsync();
        const int clients = 200;

        IReadOnlyList<UpdateReceipt>[] receipts = await Task.WhenAll(Enumerable.Range(0, clients).Select(i => Task.Run(() =>
            store.AddAsync([new ClientUpdate($"c{i}", 1, Filled(i % 4), dataSize: 1 + (i % 3))], CancellationToken.None))));
        IterationAggregate aggregate = (await store.ReadAsync(1, CancellationToken.None))!;

        // Every count from 1 to 200 is seen exactly once: whoever's update completes a threshold learns it.
        Assert.Equal(Enumerable.Range(1, clients), receipts.Select(r => r[0].Held).Order());
        float expectedSum = Enumerable.Range(0, clients).Sum(i => (i % 4) * (1 + (i % 3)));
        Assert.Equal(clients, aggregate.Contributors.Count);
        Assert.Equal(Enumerable.Range(0, clients).Sum(i => 1 + (i % 3)), aggregate.TotalWeight);
        Assert.All(Flatten(aggregate.WeightedSum), v => Assert.Equal(expectedSum, v));
    }

    /// <summary>A 2×2 weight then a 2-value bias.</summary>
    protected static ModelParameters Create(params float[] values)
    {
        if (values.Length != 6)
        {
            throw new ArgumentException("The test model has 6 values: 4 weights then 2 biases.", nameof(values));
        }

        return new ModelParameters(
        [
            new ParameterTensor("fc.weight", [2, 2], values[..4]),
            new ParameterTensor("fc.bias", [2], values[4..]),
        ]);
    }

    /// <summary>The test model with every value <paramref name="value"/>.</summary>
    protected static ModelParameters Filled(float value) => Create(value, value, value, value, value, value);

    protected static float[] Flatten(ModelParameters model) => [.. model.Tensors.SelectMany(t => t.Values)];
}
