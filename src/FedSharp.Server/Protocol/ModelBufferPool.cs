using System.Collections.Concurrent;
using FedSharp.Core.Models;

namespace FedSharp.Server.Protocol;

/// <summary>
/// Reusable model-shaped buffers that uploads are decoded into. A model of 44 426 parameters is 174 KiB, on the large
/// object heap, so allocating one per updateModel would make every few hundred requests a full garbage collection.
/// </summary>
/// <remarks>
/// Safe because an <see cref="Stores.IUpdateStore"/> folds an update into its running sum and never keeps it, so the
/// buffer is free again once the coordinator has answered.
/// </remarks>
internal sealed class ModelBufferPool
{
    private readonly ModelParameters _layout;
    private readonly int _capacity;
    private readonly ConcurrentQueue<ModelParameters> _free = new();

    /// <param name="layout">Names and shapes of every buffer.</param>
    /// <param name="capacity">Buffers kept for reuse; more may be rented at once, the extra ones are left to the collector.</param>
    public ModelBufferPool(ModelParameters layout, int capacity)
    {
        _layout = layout;
        _capacity = capacity;
    }

    public ModelParameters Rent() => _free.TryDequeue(out ModelParameters? buffer) ? buffer : _layout.ZerosLike();

    public void Return(ModelParameters buffer)
    {
        // The count is read without a lock: at worst a few buffers more or fewer than the capacity are kept.
        if (_free.Count < _capacity)
        {
            _free.Enqueue(buffer);
        }
    }
}
