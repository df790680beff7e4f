namespace FedSharp.Server.Rounds;

/// <summary>Something that happened to the instance: a client request, a finished background step, or time passing.</summary>
public abstract record RoundEvent;
