namespace FedSharp.Server.Rounds;

/// <summary>Apply a <see cref="DeadlineCheck"/> at <paramref name="DueAt"/>.</summary>
/// <param name="DueAt">When a window closes.</param>
public sealed record ScheduleTimer(DateTimeOffset DueAt) : RoundEffect;
