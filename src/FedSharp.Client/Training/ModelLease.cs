using FedSharp.Learning.Models;

namespace FedSharp.Client.Training;

/// <summary>
/// A model borrowed from a <see cref="ModelPool"/> for one piece of work; disposing it returns the model. Its
/// parameter values are whatever the last borrower left: import the client's parameters before using it.
/// </summary>
public sealed class ModelLease : IDisposable
{
    private ModelPool? _pool;

    internal ModelLease(ModelPool pool, Sequential model)
    {
        _pool = pool;
        Model = model;
    }

    /// <summary>The borrowed model; do not use it after <see cref="Dispose"/>.</summary>
    public Sequential Model { get; }

    /// <summary>Returns the model to its pool; a second call does nothing.</summary>
    public void Dispose()
    {
        Interlocked.Exchange(ref _pool, null)?.Return(Model);
    }
}
