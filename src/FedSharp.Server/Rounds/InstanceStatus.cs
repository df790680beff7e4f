namespace FedSharp.Server.Rounds;

/// <summary>Whether the federated learning instance still runs iterations.</summary>
public enum InstanceStatus
{
    /// <summary>Iterations are open to clients.</summary>
    Running,

    /// <summary>All <see cref="RoundOptions.FlIterationNum"/> iterations are over; only getModel and getResult are served.</summary>
    Finished,
}
