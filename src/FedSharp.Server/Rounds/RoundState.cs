using System.Collections.Immutable;

namespace FedSharp.Server.Rounds;

/// <summary>
/// The scalar shared state of a federated learning instance between two events: an immutable value that
/// <see cref="RoundStateMachine"/> turns into the next one and an <c>IRoundStore</c> saves with optimistic concurrency.
/// </summary>
/// <remarks>
/// Each client's <see cref="ClientRegistration"/> lives apart from it, keyed by iteration and client, so a request
/// rewrites this small record and at most a few registrations, never a document that grows with the number of
/// clients: the layout a shared store needs (a record of scalars plus a hash per iteration).
/// </remarks>
public sealed record RoundState
{
    /// <summary>Store version; the store increments it on every successful save. 0 before the first save.</summary>
    public required long Version { get; init; }

    /// <summary>The current iteration, from 1; after the instance finishes, the last one.</summary>
    public required int Iteration { get; init; }

    /// <summary>Whether iterations still run.</summary>
    public required InstanceStatus Status { get; init; }

    /// <summary>Where the current iteration is.</summary>
    public required RoundPhase Phase { get; init; }

    /// <summary>When the current iteration opened; its startFLJob and global windows count from here.</summary>
    public required DateTimeOffset OpenedAt { get; init; }

    /// <summary>When the startFLJob round closes.</summary>
    public required DateTimeOffset StartFlJobDeadline { get; init; }

    /// <summary>When the updateModel round closes; null until the startFLJob round has closed.</summary>
    public DateTimeOffset? UpdateModelDeadline { get; init; }

    /// <summary>When the current iteration fails if it has not ended.</summary>
    public required DateTimeOffset GlobalDeadline { get; init; }

    /// <summary>Clients registered in the current iteration: participants, and candidates of a random draw.</summary>
    public int RegisteredCount { get; init; }

    /// <summary>Participants fixed so far: first-come acceptances, or clients drawn by random sampling.</summary>
    public int AcceptedCount { get; init; }

    /// <summary>
    /// Updates accepted in the current iteration, including those still being added to the running sum; the
    /// iteration is aggregated once the update store holds this many and it reached the threshold.
    /// </summary>
    public int UpdatesAccepted { get; init; }

    /// <summary>Iteration of the newest published model; 0 for the initial model.</summary>
    public int ModelIteration { get; init; }

    /// <summary>Failed iterations in a row up to now; 0 after a valid one.</summary>
    public int ConsecutiveFailures { get; init; }

    /// <summary>How every ended iteration of this instance went, oldest first.</summary>
    public required ImmutableList<IterationOutcome> Outcomes { get; init; }

    /// <summary>The outcome of <paramref name="iteration"/>, or null when it has not ended or is not kept.</summary>
    public IterationOutcome? FindOutcome(int iteration)
    {
        if (Outcomes.IsEmpty)
        {
            return null;
        }

        int index = iteration - Outcomes[0].Iteration;
        return index >= 0 && index < Outcomes.Count ? Outcomes[index] : null;
    }
}
