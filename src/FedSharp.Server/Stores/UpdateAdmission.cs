namespace FedSharp.Server.Stores;

/// <summary>What an update store did with one update it was given.</summary>
public enum UpdateAdmission
{
    /// <summary>The update is now in its iteration's accumulator.</summary>
    Added,

    /// <summary>The client's update was already in the accumulator (a retry); nothing changed.</summary>
    AlreadyHeld,

    /// <summary>The iteration was discarded (it ended); the update was dropped.</summary>
    IterationClosed,
}
