namespace FedSharp.Server.Rounds;

/// <summary>Work the coordinator must do after saving a transition; the state machine itself does no I/O.</summary>
public abstract record RoundEffect;
