namespace FedSharp.Client;

/// <summary>What happened to a client in one attempt at one iteration; reported through the job's progress hook.</summary>
/// <param name="ClientId">The client.</param>
/// <param name="Iteration">The server's iteration the attempt concerned.</param>
/// <param name="Participation">How far the client got.</param>
/// <param name="Valid">
/// Whether the iteration produced a new global model (getResult's outcome); null when the client did not wait for
/// it (<see cref="IterationParticipation.NotSelected"/>, <see cref="IterationParticipation.ServerFault"/>, and
/// <see cref="IterationParticipation.UpdateRejected"/> unless the instance had finished) or the server no longer knew.
/// </param>
/// <param name="Reason">The server's or the trainer's explanation of the outcome.</param>
/// <param name="TrainingLoss">Mean local training loss; null when the client did not train.</param>
/// <param name="TrainedSamples">Samples trained on, counting each epoch; 0 when the client did not train.</param>
/// <param name="GlobalModelAccuracy">Accuracy of the received global model on the local evaluation data; null without evaluation.</param>
/// <param name="NextRequestTime">When the client tries again after a refusal; null otherwise.</param>
public sealed record IterationReport(
    string ClientId,
    int Iteration,
    IterationParticipation Participation,
    bool? Valid,
    string Reason,
    double? TrainingLoss,
    int TrainedSamples,
    double? GlobalModelAccuracy,
    DateTimeOffset? NextRequestTime);
