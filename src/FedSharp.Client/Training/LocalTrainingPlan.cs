using FedSharp.Core.Models;

namespace FedSharp.Client.Training;

/// <summary>
/// How a client trains in one iteration, as the server's FLPlan says (MindSpore's <c>client_epoch_num</c>,
/// <c>client_batch_size</c>, <c>client_learning_rate</c>, plus FedSharp's momentum and weight decay).
/// </summary>
/// <param name="Iteration">The iteration being trained for; 1 or more.</param>
/// <param name="Epochs">Passes over the local training data; 1 or more.</param>
/// <param name="BatchSize">Samples per optimizer step; 1 or more.</param>
/// <param name="LearningRate">SGD step size; finite and greater than 0.</param>
/// <param name="Momentum">SGD momentum in [0, 1); 0 is plain SGD.</param>
/// <param name="WeightDecay">L2 weight decay, finite and at least 0.</param>
public sealed record LocalTrainingPlan(int Iteration, int Epochs, int BatchSize, float LearningRate, float Momentum = 0f, float WeightDecay = 0f)
{
    /// <summary>The plan's strategy fields (FedProx's μ, SCAFFOLD's control variates); <see cref="StrategyParameters.None"/> for FedAvg.</summary>
    public StrategyParameters Strategy { get; init; } = StrategyParameters.None;

    /// <summary>The global model the iteration trains from (FedProx's proximal term pulls towards it); null when the caller has none.</summary>
    public ModelParameters? GlobalModel { get; init; }

    /// <summary>Throws, naming the field, its value and the valid range, when the plan cannot be trained.</summary>
    public void Validate()
    {
        if (Iteration < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Iteration), Iteration, "The training plan's iteration must be 1 or more; iterations are numbered from 1.");
        }

        if (Epochs < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, $"Iteration {Iteration}'s plan asks for {Epochs} epochs; the server's client.client_epoch_num must be 1 or more.");
        }

        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, $"Iteration {Iteration}'s plan asks for batch size {BatchSize}; the server's client.client_batch_size must be 1 or more.");
        }

        if (!(LearningRate > 0f) || !float.IsFinite(LearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, $"Iteration {Iteration}'s plan asks for learning rate {LearningRate}; the server's client.client_learning_rate must be finite and greater than 0.");
        }

        if (!(Momentum >= 0f && Momentum < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(Momentum), Momentum, $"Iteration {Iteration}'s plan asks for momentum {Momentum}; client.client_momentum must lie in [0, 1).");
        }

        if (!(WeightDecay >= 0f) || !float.IsFinite(WeightDecay))
        {
            throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, $"Iteration {Iteration}'s plan asks for weight decay {WeightDecay}; client.client_weight_decay must be finite and at least 0.");
        }
    }
}
