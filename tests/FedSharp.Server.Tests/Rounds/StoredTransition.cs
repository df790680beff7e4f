using FedSharp.Server.Rounds;

namespace FedSharp.Server.Tests.Rounds;

/// <summary>A <see cref="RoundTransition"/> with its registration writes applied to the round it started from.</summary>
internal sealed record StoredTransition(StoredRound State, IReadOnlyList<ClientRegistration> Registrations, IReadOnlyList<RoundEffect> Effects, RoundReply? Reply);
