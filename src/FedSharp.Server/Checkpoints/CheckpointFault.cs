namespace FedSharp.Server.Checkpoints;

/// <summary>A checkpoint file that could not be used, and why.</summary>
/// <param name="Path">The file.</param>
/// <param name="Fault">What is wrong with it, e.g. truncated at a given byte or failing its checksum.</param>
public sealed record CheckpointFault(string Path, string Fault);
