namespace FedSharp.Server.Rounds;

/// <summary>One client's registration in the current iteration (MindSpore's per-iteration <c>DeviceMeta</c>).</summary>
/// <param name="ClientId">The client's id.</param>
/// <param name="DataSize">Training samples declared at startFLJob; the weight its update will carry.</param>
/// <param name="RegisteredAt">When its first startFLJob of the iteration arrived.</param>
/// <param name="Status">Where it stands.</param>
public sealed record ClientRegistration(string ClientId, int DataSize, DateTimeOffset RegisteredAt, ParticipationStatus Status);
