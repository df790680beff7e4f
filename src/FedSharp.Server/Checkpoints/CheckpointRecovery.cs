namespace FedSharp.Server.Checkpoints;

/// <summary>What a resume found: the newest readable checkpoint, if any, and every newer file that had to be skipped.</summary>
/// <param name="Checkpoint">The newest readable checkpoint, or null when there is none.</param>
/// <param name="Faults">Files newer than it (or all files, when none was readable) that are unreadable, newest first.</param>
public sealed record CheckpointRecovery(Checkpoint? Checkpoint, IReadOnlyList<CheckpointFault> Faults);
