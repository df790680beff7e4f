namespace FedSharp.Server.Rounds;

/// <summary>Time passed (a timer fired): close whatever windows have expired.</summary>
public sealed record DeadlineCheck : RoundEvent;
