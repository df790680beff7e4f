using FedSharp.Server.Checkpoints;

namespace FedSharp.Server.Rounds;

/// <summary>How <see cref="RoundCoordinator.InitializeAsync"/> started.</summary>
/// <param name="State">The state the coordinator runs from.</param>
/// <param name="JoinedExisting">True when another server had already created the instance and this one joined it.</param>
/// <param name="ResumedFrom">The checkpoint the instance resumed from; null when it started from the initial model or joined.</param>
/// <param name="CheckpointFaults">Newer checkpoint files skipped because they are truncated or corrupt.</param>
public sealed record RoundStartup(RoundState State, bool JoinedExisting, Checkpoint? ResumedFrom, IReadOnlyList<CheckpointFault> CheckpointFaults);
