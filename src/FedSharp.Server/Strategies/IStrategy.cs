using FedSharp.Server.Stores;

namespace FedSharp.Server.Strategies;

/// <summary>
/// What varies between federated algorithms, in Flower's four steps: what participants train from, how their
/// updates become the next model, what they evaluate, and how their measurements combine. Participant selection
/// belongs to the round engine (first-come or random sampling), because devices pull work rather than being pushed it.
/// </summary>
public interface IStrategy
{
    /// <summary>What the participants of <paramref name="iteration"/> receive at startFLJob to train from.</summary>
    TrainingPlan ConfigureTraining(int iteration, PublishedModel globalModel);

    /// <summary>
    /// Turns the running sum of an iteration into the next global model, or explains why it cannot; a failure
    /// keeps <paramref name="globalModel"/> (Flower's "return None").
    /// </summary>
    TrainingAggregation AggregateTraining(IterationAggregate aggregate, PublishedModel globalModel);

    /// <summary>The model participants of <paramref name="iteration"/> evaluate before training, or null for no evaluation.</summary>
    EvaluationPlan? ConfigureEvaluation(int iteration, PublishedModel globalModel);

    /// <summary>Combines what the contributors of an iteration measured; <paramref name="aggregate"/> is null when nobody contributed.</summary>
    EvaluationSummary AggregateEvaluation(IterationAggregate? aggregate);
}
