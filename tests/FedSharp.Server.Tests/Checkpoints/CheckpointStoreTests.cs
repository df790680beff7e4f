using FedSharp.Core.Models;
using FedSharp.Server.Checkpoints;
using FedSharp.Testing;

namespace FedSharp.Server.Tests.Checkpoints;

public sealed class CheckpointStoreTests : IDisposable
{
    private readonly TemporaryDirectory _root = new();
    private readonly ManualTimeProvider _time = new();

    public void Dispose() => _root.Dispose();

    private CheckpointStore Store(int keep = 3) => new(_root.Path, "lenet", keep, _time);

    [Fact]
    public void Write_ThenLoadNewest_RoundTripsNamesShapesAndValues()
    {
        CheckpointStore store = Store();
        var model = new ModelParameters(
        [
            new ParameterTensor("conv1.weight", [2, 1, 2, 2], [.. Enumerable.Range(0, 8).Select(i => i * 0.25f - 1)]),
            new ParameterTensor("scale", [], [float.Epsilon]),
            new ParameterTensor("empty", [0, 3], []),
        ]);

        string path = store.Write(4, model);
        CheckpointRecovery recovery = store.LoadNewest();

        Assert.Equal(Path.Combine(_root.Path, "lenet", "iteration-4.ckpt"), path);
        Checkpoint checkpoint = recovery.Checkpoint!;
        Assert.Empty(recovery.Faults);
        Assert.Equal(4, checkpoint.Iteration);
        Assert.Equal(_time.GetUtcNow(), checkpoint.CreatedAt);
        Assert.True(checkpoint.Parameters.HasSameLayout(model));
        Assert.Equal(Models.Flatten(model), Models.Flatten(checkpoint.Parameters));
    }

    [Fact]
    public void Write_MoreThanKeepCount_PrunesOldest()
    {
        CheckpointStore store = Store(keep: 2);

        for (int iteration = 1; iteration <= 5; iteration++)
        {
            store.Write(iteration, Models.Filled(iteration));
        }

        Assert.Equal([store.PathFor(5), store.PathFor(4)], store.ListFiles());
    }

    [Fact]
    public void Write_LeavesNoTemporaryFiles()
    {
        CheckpointStore store = Store();

        store.Write(1, Models.Filled(1));

        Assert.Equal(["iteration-1.ckpt"], Directory.GetFiles(store.Directory).Select(Path.GetFileName));
    }

    [Fact]
    public void LoadNewest_NewestCorrupt_ReportsFileAndUsesPrevious()
    {
        CheckpointStore store = Store();
        store.Write(1, Models.Filled(1));
        string newest = store.Write(2, Models.Filled(2));
        byte[] bytes = File.ReadAllBytes(newest);
        bytes[60] ^= 0x40;
        File.WriteAllBytes(newest, bytes);

        CheckpointRecovery recovery = store.LoadNewest();

        Assert.Equal(1, recovery.Checkpoint!.Iteration);
        Assert.Equal(Models.Flatten(Models.Filled(1)), Models.Flatten(recovery.Checkpoint.Parameters));
        CheckpointFault fault = Assert.Single(recovery.Faults);
        Assert.Equal(newest, fault.Path);
        Assert.Contains("SHA-256", fault.Fault, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadNewest_CraftedFileWithValidHashAndImpossibleTime_ReportedAndPreviousUsed()
    {
        // The hash is unkeyed: a crafted file can carry a matching hash. Regression: its creation time threw from
        // LoadNewest and stopped the server's start-up instead of falling back.
        CheckpointStore store = Store();
        store.Write(1, Models.Filled(1));
        string newest = store.Write(2, Models.Filled(2));
        byte[] bytes = File.ReadAllBytes(newest);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(12), long.MaxValue);
        System.Security.Cryptography.SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)).CopyTo(bytes, bytes.Length - 32);
        File.WriteAllBytes(newest, bytes);

        CheckpointRecovery recovery = store.LoadNewest();

        Assert.Equal(1, recovery.Checkpoint!.Iteration);
        Assert.Contains("creation time", Assert.Single(recovery.Faults).Fault, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadNewest_NewestTruncated_ReportsTruncationAndUsesPrevious()
    {
        CheckpointStore store = Store();
        store.Write(1, Models.Filled(1));
        string newest = store.Write(2, Models.Filled(2));
        byte[] bytes = File.ReadAllBytes(newest);
        File.WriteAllBytes(newest, bytes[..(bytes.Length - 10)]);

        CheckpointRecovery recovery = store.LoadNewest();

        Assert.Equal(1, recovery.Checkpoint!.Iteration);
        CheckpointFault fault = Assert.Single(recovery.Faults);
        Assert.Equal(newest, fault.Path);
        Assert.StartsWith("truncated", fault.Fault, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadNewest_NewestShorterThanHeader_Reported()
    {
        CheckpointStore store = Store();
        store.Write(1, Models.Filled(1));
        File.WriteAllBytes(store.PathFor(2), [0x46, 0x53]);

        CheckpointRecovery recovery = store.LoadNewest();

        Assert.Equal(1, recovery.Checkpoint!.Iteration);
        Assert.Contains("shorter than the 32-byte header", Assert.Single(recovery.Faults).Fault, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadNewest_ForeignFile_ReportedAsNotACheckpoint()
    {
        CheckpointStore store = Store();
        Directory.CreateDirectory(store.Directory);
        File.WriteAllText(store.PathFor(3), "this is not a checkpoint but is long enough to hold a header");

        CheckpointRecovery recovery = store.LoadNewest();

        Assert.Null(recovery.Checkpoint);
        Assert.Contains("FSCK", Assert.Single(recovery.Faults).Fault, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadNewest_RenamedFile_IterationMismatchReported()
    {
        CheckpointStore store = Store();
        string written = store.Write(1, Models.Filled(1));
        File.Move(written, store.PathFor(7));

        CheckpointRecovery recovery = store.LoadNewest();

        Assert.Null(recovery.Checkpoint);
        Assert.Contains("file name says iteration 7 but its header says 1", Assert.Single(recovery.Faults).Fault, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadNewest_LeftoverTemporaryFileFromCrashedWrite_Ignored()
    {
        CheckpointStore store = Store();
        store.Write(1, Models.Filled(1));
        File.WriteAllBytes(store.PathFor(2) + ".0123456789abcdef.tmp", [1, 2, 3]);

        CheckpointRecovery recovery = store.LoadNewest();

        Assert.Equal(1, recovery.Checkpoint!.Iteration);
        Assert.Empty(recovery.Faults);
    }

    [Fact]
    public void LoadNewest_NoDirectory_NothingAndNoFaults()
    {
        CheckpointRecovery recovery = Store().LoadNewest();

        Assert.Null(recovery.Checkpoint);
        Assert.Empty(recovery.Faults);
    }

    [Fact]
    public void Constructor_FlNameWithPathSeparator_Throws()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new CheckpointStore(_root.Path, "../escape", 3, _time));

        Assert.Contains("'../escape'", error.Message, StringComparison.Ordinal);
    }
}
