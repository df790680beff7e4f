namespace FedSharp.Server.Rounds;

/// <summary>Where one client stands in the current iteration.</summary>
public enum ParticipationStatus
{
    /// <summary>Asked to join while random sampling collects candidates; the draw has not happened yet.</summary>
    Candidate,

    /// <summary>Drawn by random sampling but not yet told so; its next startFLJob succeeds.</summary>
    Selected,

    /// <summary>Candidate that the random draw left out.</summary>
    NotSelected,

    /// <summary>startFLJob succeeded: the client has the model and may send one update.</summary>
    Joined,

    /// <summary>
    /// Its update was accepted and holds one of the iteration's update slots: it is being added to the running sum,
    /// or is in it already (the update store's count says which).
    /// </summary>
    Uploaded,
}
