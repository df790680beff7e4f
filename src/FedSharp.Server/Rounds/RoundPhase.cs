namespace FedSharp.Server.Rounds;

/// <summary>Where the current iteration is in its life.</summary>
public enum RoundPhase
{
    /// <summary>The startFLJob round is open: clients join (first-come) or register as candidates (random).</summary>
    Selecting,

    /// <summary>Participants are fixed; their updates are awaited until the updateModel threshold or window.</summary>
    Training,

    /// <summary>
    /// The updateModel threshold is reached: no more updates are accepted; once the accepted ones are in the running
    /// sum, it is turned into the next global model.
    /// </summary>
    Aggregating,

    /// <summary>No iteration is open because the instance is finished.</summary>
    Closed,
}
