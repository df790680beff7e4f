namespace FedSharp.Client;

/// <summary>
/// Runs on the device after local training and before the update is encoded and sent: the place for clipping, noise,
/// compression or masking. Hooks run in the order of <see cref="FederatedJobOptions.UpdateHooks"/>, each on what the
/// previous one left.
/// </summary>
public interface IUpdateHook
{
    /// <summary>
    /// The names of the plan's strategy fields this hook acts on (a scalar's name, or a tensor name's part before its
    /// first '/'). A plan whose strategy fields neither the trainer nor a hook claims is refused. Default none.
    /// </summary>
    IReadOnlyCollection<string> StrategyFields => [];

    /// <summary>Rewrites <see cref="UploadContext.Update"/> in place before it is uploaded.</summary>
    /// <param name="context">The iteration, the plan, its strategy fields, the global model and the update.</param>
    void BeforeUpload(UploadContext context);
}
