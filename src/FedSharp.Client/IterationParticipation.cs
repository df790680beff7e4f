namespace FedSharp.Client;

/// <summary>How far a client got in one iteration.</summary>
public enum IterationParticipation
{
    /// <summary>startFLJob answered OUT_OF_TIME (threshold met, window closed, or not drawn); the client waits and tries the next iteration.</summary>
    NotSelected,

    /// <summary>
    /// The client trained, but updateModel answered OUT_OF_TIME (too late; it waits and starts again), getResult
    /// answered OUT_OF_TIME (the server restarted after the client joined and does not count its update; it starts
    /// again), or the instance had finished before the update arrived (the run ends).
    /// </summary>
    UpdateRejected,

    /// <summary>Local training diverged; the client kept its weights, uploaded nothing and waited for the iteration to end.</summary>
    TrainingDiverged,

    /// <summary>The client's update was accepted.</summary>
    Uploaded,

    /// <summary>
    /// startFLJob or updateModel answered SYSTEM_ERROR (the server's own fault); the client backs off and starts the
    /// iteration again with startFLJob.
    /// </summary>
    ServerFault,
}
