namespace FedSharp.Server.Protocol;

/// <summary>An unexpected exception the handler turned into a SYSTEM_ERROR reply; hosts log it.</summary>
public sealed class ProtocolFaultEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="round">The round that failed, e.g. <c>updateModel</c>.</param>
    /// <param name="exception">What was thrown.</param>
    public ProtocolFaultEventArgs(string round, Exception exception)
    {
        Round = round;
        Exception = exception;
    }

    /// <summary>The round that failed.</summary>
    public string Round { get; }

    /// <summary>What was thrown.</summary>
    public Exception Exception { get; }
}
