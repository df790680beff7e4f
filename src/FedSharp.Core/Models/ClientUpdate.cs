namespace FedSharp.Core.Models;

/// <summary>
/// What one client contributes to one iteration: the parameters it trained, the number of training samples that
/// weigh them in the federated average, and what it measured while training.
/// </summary>
/// <remarks>
/// <see cref="Parameters"/> are the client's trained weights as they are, not multiplied by the data size: the
/// server folds the weight in when it adds the update to its running sum (MindSpore's devices pre-multiply; a
/// protocol layer that receives pre-multiplied values divides them by the data size before building this).
/// </remarks>
public sealed class ClientUpdate
{
    /// <summary>Creates an update; the arguments are the client's claims and are checked only for shape here.</summary>
    /// <param name="clientId">The client's id (MindSpore's <c>fl_id</c>); not empty.</param>
    /// <param name="iteration">The iteration the client trained for; 1 or more.</param>
    /// <param name="parameters">The trained parameters, with the global model's names and shapes.</param>
    /// <param name="dataSize">Number of training samples, the update's weight in FedAvg; 1 or more.</param>
    /// <param name="loss">Training loss the client reported, or null when it reported none.</param>
    /// <param name="accuracy">Accuracy the client measured on the received global model, or null.</param>
    /// <param name="strategy">What the strategy asked the client to report besides its weights (SCAFFOLD's Δcᵢ, FedNova's
    /// τᵢ and aᵢ), from <c>UpdateModelRequest.strategy</c>; null for none.</param>
    public ClientUpdate(string clientId, int iteration, ModelParameters parameters, int dataSize, float? loss = null, float? accuracy = null, StrategyParameters? strategy = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ArgumentNullException.ThrowIfNull(parameters);
        if (iteration < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(iteration), iteration, $"Client '{clientId}' sent iteration {iteration}; iterations are numbered from 1.");
        }

        if (dataSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(dataSize), dataSize, $"Client '{clientId}' sent data size {dataSize} for iteration {iteration}; a client that trained has at least 1 sample.");
        }

        ClientId = clientId;
        Iteration = iteration;
        Parameters = parameters;
        DataSize = dataSize;
        Loss = loss;
        Accuracy = accuracy;
        Strategy = strategy ?? StrategyParameters.None;
    }

    /// <summary>The client's id (MindSpore's <c>fl_id</c>).</summary>
    public string ClientId { get; }

    /// <summary>The iteration the client trained for.</summary>
    public int Iteration { get; }

    /// <summary>The trained parameters, not multiplied by <see cref="DataSize"/>.</summary>
    public ModelParameters Parameters { get; }

    /// <summary>Number of training samples; the update's weight in the federated average.</summary>
    public int DataSize { get; }

    /// <summary>Training loss the client reported, or null.</summary>
    public float? Loss { get; }

    /// <summary>Accuracy the client measured on the global model it received, or null.</summary>
    public float? Accuracy { get; }

    /// <summary>What the strategy asked the client to report besides its weights; <see cref="StrategyParameters.None"/> for FedAvg.</summary>
    public StrategyParameters Strategy { get; }

    /// <summary>Bytes of tensor payload this update carries (4 per float32 value), without protocol framing.</summary>
    public long PayloadBytes => (Parameters.TotalLength + (Strategy.Tensors?.TotalLength ?? 0)) * sizeof(float);
}
