using System.Collections.Immutable;
using FedSharp.Server.Rounds;

namespace FedSharp.Server.Tests.Rounds;

/// <summary>
/// Drives a <see cref="RoundStateMachine"/> as the coordinator does with a store: it passes the event's client's
/// registration (and every registration when a draw is due) and applies the transition's writes as
/// <c>IRoundStore.TryUpdateAsync</c> would, dropping an ended iteration's registrations.
/// </summary>
internal sealed class StoredMachine(RoundOptions options)
{
    private readonly RoundStateMachine _machine = new(options);

    public int StartFlJobThreshold => _machine.StartFlJobThreshold;

    public int UpdateModelThreshold => _machine.UpdateModelThreshold;

    public StoredTransition Open(int iteration, int modelIteration, DateTimeOffset now, IterationOutcome? restored = null)
    {
        RoundTransition opened = _machine.Open(iteration, modelIteration, now, restored);
        return new StoredTransition(new StoredRound(opened.State, Empty), opened.Registrations, opened.Effects, opened.Reply);
    }

    public StoredTransition Apply(StoredRound round, RoundEvent @event, DateTimeOffset now)
    {
        string? clientId = RoundStateMachine.ClientOf(@event);
        var snapshot = new RoundSnapshot(round.State, clientId is null ? null : round.Clients.GetValueOrDefault(clientId));
        IReadOnlyList<ClientRegistration>? registrations = _machine.DrawIsDue(round.State, now) ? [.. round.Clients.Values] : null;
        RoundTransition transition = _machine.Apply(snapshot, @event, now, registrations);
        if (ReferenceEquals(transition.State, round.State))
        {
            Assert.Empty(transition.Registrations);
            return new StoredTransition(round, transition.Registrations, transition.Effects, transition.Reply);
        }

        ImmutableDictionary<string, ClientRegistration> clients = transition.State.Iteration == round.Iteration ? round.Clients : Empty;
        foreach (ClientRegistration written in transition.Registrations)
        {
            Assert.Equal(transition.State.Iteration, written.Iteration);
            clients = clients.SetItem(written.ClientId, written);
        }

        return new StoredTransition(new StoredRound(transition.State, clients), transition.Registrations, transition.Effects, transition.Reply);
    }

    private static ImmutableDictionary<string, ClientRegistration> Empty => ImmutableDictionary.Create<string, ClientRegistration>(StringComparer.Ordinal);
}
