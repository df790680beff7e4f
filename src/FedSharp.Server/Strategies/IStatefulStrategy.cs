using FedSharp.Core.Models;
using FedSharp.Server.Stores;

namespace FedSharp.Server.Strategies;

/// <summary>
/// A strategy that keeps state from one iteration to the next (server momentum, optimizer moments). The state is
/// written into the checkpoint of each valid iteration, next to the model it belongs to, and restored with that model
/// at start-up, so a restarted server aggregates exactly as one that never stopped.
/// </summary>
/// <remarks>
/// State belongs to a model: the state "as of iteration n" is what the strategy holds once the model of iteration n
/// is the global model. An iteration that fails keeps the previous model and so the previous state.
/// </remarks>
public interface IStatefulStrategy : IStrategy
{
    /// <summary>
    /// The state as of the model of <paramref name="modelIteration"/>, as named tensors (for example
    /// <c>m/fc.weight</c>), or null when the strategy holds none for that model.
    /// </summary>
    /// <param name="modelIteration">The iteration whose model the state belongs to.</param>
    /// <returns>A copy the caller may keep, or null.</returns>
    ModelParameters? ExportState(int modelIteration);

    /// <summary>Replaces the strategy's state with <paramref name="state"/>, which belongs to <paramref name="globalModel"/>.</summary>
    /// <param name="globalModel">The model the state was saved with; also gives the layout the state must follow.</param>
    /// <param name="state">Tensors as <see cref="ExportState"/> wrote them.</param>
    /// <exception cref="InvalidOperationException">The tensors are not this strategy's state for this model; the message names the first mismatch.</exception>
    void RestoreState(PublishedModel globalModel, ModelParameters state);
}
