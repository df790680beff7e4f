namespace FedSharp.Server.Stores;

/// <summary>The current global model in process memory. Published parameters are copied, so the publisher may reuse its buffers.</summary>
public sealed class InMemoryModelStore : IModelStore
{
    private readonly Lock _gate = new();
    private PublishedModel? _current;

    /// <inheritdoc />
    public Task<PublishedModel?> GetCurrentAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(_current);
        }
    }

    /// <inheritdoc />
    public Task<bool> TryPublishAsync(PublishedModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        cancellationToken.ThrowIfCancellationRequested();
        var copy = new PublishedModel(model.Iteration, model.Parameters.Clone());
        lock (_gate)
        {
            if (_current is not null && model.Iteration <= _current.Iteration)
            {
                return Task.FromResult(false);
            }

            _current = copy;
            return Task.FromResult(true);
        }
    }
}
