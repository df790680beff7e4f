namespace FedSharp.Server.Strategies;

/// <summary>What an iteration's contributors measured, combined.</summary>
/// <param name="Loss">Mean training loss, or null when nobody reported one.</param>
/// <param name="Accuracy">Mean accuracy of the global model on the contributors' data, or null when nobody reported one.</param>
/// <param name="Participants">Contributors counted.</param>
public sealed record EvaluationSummary(double? Loss, double? Accuracy, int Participants);
