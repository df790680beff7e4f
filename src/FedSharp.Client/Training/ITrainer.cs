using FedSharp.Core.Models;

namespace FedSharp.Client.Training;

/// <summary>
/// The client's model and data, as <see cref="FederatedJob"/> sees them (FedML's <c>ModelTrainer</c>): parameters in
/// and out, local training per the server's plan, evaluation and prediction. Implement it to federate a model that
/// FedSharp.Learning does not build; <see cref="LearningTrainer"/> is the built-in one.
/// </summary>
/// <remarks>A job calls a trainer from one thread at a time; an implementation need not be thread-safe.</remarks>
public interface ITrainer
{
    /// <summary>Number of local training samples; the weight of this client's update in FedAvg. 1 or more.</summary>
    int DataSize { get; }

    /// <summary>Number of local evaluation samples; 0 when the client has none.</summary>
    int EvaluationDataSize { get; }

    /// <summary>Values per input sample, for <see cref="Predict"/>.</summary>
    int SampleSize { get; }

    /// <summary>A copy of the current parameters, in the model's order, with its names and shapes.</summary>
    ModelParameters GetParameters();

    /// <summary>Replaces the current parameters, bit for bit.</summary>
    /// <param name="parameters">A model with exactly this trainer's names, shapes and order.</param>
    /// <exception cref="ArgumentException">The names, shapes or order differ; the message names the first difference.</exception>
    void SetParameters(ModelParameters parameters);

    /// <summary>
    /// The names of the plan's strategy fields this trainer's training acts on (FedProx's <c>proximal_mu</c>, a tensor
    /// name's part before its first '/'). A plan whose strategy fields neither the trainer nor an
    /// <see cref="IUpdateHook"/> claims is refused rather than trained as plain FedAvg. Default none.
    /// </summary>
    IReadOnlyCollection<string> StrategyFields => [];

    /// <summary>Trains the current parameters on the local data as <paramref name="plan"/> says.</summary>
    /// <param name="plan">Epochs, batch size and optimizer settings from the server's FLPlan.</param>
    /// <returns>The mean loss and sample count, or a failure after which the parameters are those before training.</returns>
    LocalTrainingResult Train(LocalTrainingPlan plan);

    /// <summary>
    /// Called when the server reports that the model of <paramref name="iteration"/> was aggregated with this device's
    /// update (accepted, and the iteration valid). State a strategy keeps on the device from one iteration to the next,
    /// such as SCAFFOLD's control variate cᵢ, moves here, so that an update the server did not count (refused, or in a
    /// failed iteration) leaves it as it was, as the server's state is. Default: nothing.
    /// </summary>
    /// <param name="iteration">The iteration whose training produced the counted update.</param>
    void ContributionCounted(int iteration)
    {
    }

    /// <summary>Evaluates the current parameters on the local evaluation data.</summary>
    /// <returns>Accuracy and loss, or null when the client has no evaluation data.</returns>
    LocalEvaluationResult? Evaluate();

    /// <summary>Writes the predicted class of each sample with the current parameters.</summary>
    /// <param name="features">destination.Length samples of <see cref="SampleSize"/> values, sample-major.</param>
    /// <param name="destination">One class per sample.</param>
    void Predict(ReadOnlySpan<float> features, Span<int> destination);
}
