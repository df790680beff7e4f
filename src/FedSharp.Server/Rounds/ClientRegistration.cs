namespace FedSharp.Server.Rounds;

/// <summary>One client's registration in one iteration (MindSpore's per-iteration <c>DeviceMeta</c>).</summary>
/// <param name="ClientId">The client's id.</param>
/// <param name="Iteration">The iteration it registered in; a store keeps registrations of the current iteration only.</param>
/// <param name="DataSize">Training samples declared at startFLJob; the weight its update will carry.</param>
/// <param name="RegisteredAt">When its first startFLJob of the iteration arrived.</param>
/// <param name="Status">Where it stands.</param>
public sealed record ClientRegistration(string ClientId, int Iteration, int DataSize, DateTimeOffset RegisteredAt, ParticipationStatus Status);
