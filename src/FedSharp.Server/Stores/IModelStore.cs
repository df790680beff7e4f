namespace FedSharp.Server.Stores;

/// <summary>The current global model and the iteration that produced it; what startFLJob and getModel hand out.</summary>
public interface IModelStore
{
    /// <summary>The newest published model, or null before the first publication.</summary>
    Task<PublishedModel?> GetCurrentAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Publishes <paramref name="model"/> when its iteration is newer than the current one; false (nothing written)
    /// otherwise, so a slow or duplicate publisher can never roll the model back.
    /// </summary>
    Task<bool> TryPublishAsync(PublishedModel model, CancellationToken cancellationToken);
}
