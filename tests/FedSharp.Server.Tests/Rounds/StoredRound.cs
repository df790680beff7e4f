using System.Collections.Immutable;
using FedSharp.Server.Rounds;

namespace FedSharp.Server.Tests.Rounds;

/// <summary>
/// The round as a store holds it: the machine's scalar state and the current iteration's registrations, so machine
/// tests can branch from any earlier round as they could when registrations were part of the state.
/// </summary>
internal sealed record StoredRound(RoundState State, ImmutableDictionary<string, ClientRegistration> Clients)
{
    public int Iteration => State.Iteration;

    public InstanceStatus Status => State.Status;

    public RoundPhase Phase => State.Phase;

    public int AcceptedCount => State.AcceptedCount;

    public int UpdatesAccepted => State.UpdatesAccepted;

    public int RegisteredCount => State.RegisteredCount;

    public int ModelIteration => State.ModelIteration;

    public int ConsecutiveFailures => State.ConsecutiveFailures;

    public DateTimeOffset OpenedAt => State.OpenedAt;

    public DateTimeOffset StartFlJobDeadline => State.StartFlJobDeadline;

    public DateTimeOffset? UpdateModelDeadline => State.UpdateModelDeadline;

    public DateTimeOffset GlobalDeadline => State.GlobalDeadline;

    public ImmutableList<IterationOutcome> Outcomes => State.Outcomes;
}
