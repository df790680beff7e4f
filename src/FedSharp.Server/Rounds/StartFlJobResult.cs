using FedSharp.Server.Strategies;

namespace FedSharp.Server.Rounds;

/// <summary>The answer to startFLJob: the reply and, when it succeeded, what to train and evaluate.</summary>
/// <param name="Reply">Retcode, reason, iteration and next request time.</param>
/// <param name="Training">What to train from; null unless the reply is Succeed.</param>
/// <param name="Evaluation">What to evaluate before training; null when the reply is not Succeed or the strategy asks for no evaluation.</param>
public sealed record StartFlJobResult(RoundReply Reply, TrainingPlan? Training, EvaluationPlan? Evaluation);
