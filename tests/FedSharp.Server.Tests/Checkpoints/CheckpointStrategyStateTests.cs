using System.Buffers.Binary;
using FedSharp.Core.Models;
using FedSharp.Server.Checkpoints;
using FedSharp.Testing;

namespace FedSharp.Server.Tests.Checkpoints;

/// <summary>Format version 2: the strategy's state written after the model, in the same file and under the same hash.</summary>
public sealed class CheckpointStrategyStateTests : IDisposable
{
    private readonly TemporaryDirectory _root = new();
    private readonly ManualTimeProvider _time = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Write_WithState_RoundTripsModelAndStateAsVersion2()
    {
        ModelParameters state = State(0.5f);
        var store = new CheckpointStore(_root.Path, "job", 3, _time, iteration => iteration == 7 ? state : null);

        string path = store.Write(7, Models.Create(1, 2, 3, 4, 5, 6));
        Checkpoint checkpoint = store.LoadNewest().Checkpoint!;

        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(File.ReadAllBytes(path).AsSpan(4)));
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], Models.Flatten(checkpoint.Parameters));
        Assert.True(checkpoint.StrategyState!.HasSameLayout(state));
        Assert.Equal(Models.Flatten(state), Models.Flatten(checkpoint.StrategyState));
    }

    [Fact]
    public void Write_NoState_WritesVersion1AsBefore()
    {
        var store = new CheckpointStore(_root.Path, "job", 3, _time, _ => null);

        string path = store.Write(1, Models.Filled(1));

        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(File.ReadAllBytes(path).AsSpan(4)));
        Assert.Null(store.LoadNewest().Checkpoint!.StrategyState);
    }

    [Fact]
    public void LoadNewest_StateTruncated_SkipsTheFileAndReportsIt()
    {
        var store = new CheckpointStore(_root.Path, "job", 3, _time, _ => State(1));
        store.Write(1, Models.Filled(1));
        string newest = store.Write(2, Models.Filled(2));
        byte[] bytes = File.ReadAllBytes(newest);
        File.WriteAllBytes(newest, bytes[..^40]);

        CheckpointRecovery recovery = store.LoadNewest();

        Assert.Equal(1, recovery.Checkpoint!.Iteration);
        Assert.NotNull(recovery.Checkpoint.StrategyState);
        Assert.Contains("truncated", Assert.Single(recovery.Faults).Fault, StringComparison.Ordinal);
    }

    private static ModelParameters State(float value) => new(
    [
        new ParameterTensor("m/fc.weight", [2, 2], [value, value, value, value]),
        new ParameterTensor("m/fc.bias", [2], [value, -value]),
    ]);
}
