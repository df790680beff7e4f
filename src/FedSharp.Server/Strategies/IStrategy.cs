using FedSharp.Core.Models;
using FedSharp.Server.Stores;

namespace FedSharp.Server.Strategies;

/// <summary>
/// What varies between federated algorithms, in Flower's four steps: what participants train from, how their
/// updates become the next model, what they evaluate, and how their measurements combine. Participant selection
/// belongs to the round engine (first-come or random sampling), because devices pull work rather than being pushed it.
/// Around them, a strategy chooses how updates are held until aggregation (<see cref="Accumulator"/>) and may review
/// each update before it is held (<see cref="ReviewUpdate"/>): decompress, clip, verify.
/// </summary>
/// <remarks>
/// The members with bodies are the defaults FedAvg needs: a weighted float32 sum and no review. A strategy that sends
/// devices more than the model puts it in <see cref="TrainingPlan.Parameters"/>.
/// </remarks>
public interface IStrategy
{
    /// <summary>How the iteration's updates are held; the update store must hold them that way. Default: the weighted sum.</summary>
    Accumulator Accumulator => Accumulator.WeightedSum;

    /// <summary>
    /// True when <see cref="ReviewUpdate"/> must see each update; the coordinator then reads the global model for
    /// every update, which costs a store read on a cluster. Default false.
    /// </summary>
    bool ReviewsUpdates => false;

    /// <summary>
    /// Runs on each update that passed the layout and finiteness checks, before the round rules accept it and before
    /// it is accumulated; it may change <paramref name="update"/>'s parameters in place (clip, decompress) or refuse
    /// it. Called only when <see cref="ReviewsUpdates"/> is true. Default: accept as is.
    /// </summary>
    /// <param name="update">The update; its parameters may be rewritten in place.</param>
    /// <param name="globalModel">The model the client trained from.</param>
    /// <returns>Accepted, or refused with the reason the device is told.</returns>
    UpdateReview ReviewUpdate(ClientUpdate update, PublishedModel globalModel) => UpdateReview.Accept;

    /// <summary>
    /// Checks what a device reported besides its weights (<c>UpdateModelRequest.strategy</c>: SCAFFOLD's Δcᵢ, FedNova's
    /// τᵢ and aᵢ) against what this strategy asks for; runs before <see cref="ReviewUpdate"/> and the round rules, on
    /// fields whose tensors are well formed and finite. Default: nothing may be reported, so a device that sends
    /// fields this strategy would drop is told so instead of being averaged as if it had not.
    /// </summary>
    /// <param name="update">The update, with <see cref="ClientUpdate.Strategy"/> as received.</param>
    /// <param name="layout">The global model's names and shapes.</param>
    /// <returns>Null when the fields are what the strategy asks for; otherwise why not, naming the field and the fix.</returns>
    string? CheckReportedFields(ClientUpdate update, ModelParameters layout)
        => update.Strategy.IsEmpty
            ? null
            : $"the update carries strategy fields ({string.Join(", ", update.Strategy.Scalars.Keys.Concat(update.Strategy.Tensors?.Tensors.Select(t => t.Name) ?? []))}) but the {GetType().Name} strategy asks for none; send the weights alone";

    /// <summary>
    /// What the accumulator sums for an accepted update, called once its weight (the data size declared at startFLJob)
    /// is set. A strategy that aggregates what devices report besides their weights appends it to the parameters, after
    /// the model's tensors, as tensors whose names start with <see cref="ReservedTensorNames.Prefix"/>; every
    /// <see cref="Stores.IUpdateStore"/> then sums them with the same weighted sum, and
    /// <see cref="AggregateTraining"/> finds them after the model's tensors in <see cref="IterationAggregate.WeightedSum"/>.
    /// Default: the update as it is.
    /// </summary>
    /// <param name="update">The accepted update, weighted by its data size.</param>
    /// <returns>The update to add to the store.</returns>
    ClientUpdate PrepareForAccumulation(ClientUpdate update) => update;

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
