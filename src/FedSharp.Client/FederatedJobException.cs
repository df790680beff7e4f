using FedSharp.Core.Protocol;

namespace FedSharp.Client;

/// <summary>
/// The server refused the client in a way retrying cannot fix (REQUEST_ERROR, a malformed reply or a model that does
/// not fit the trainer), or kept failing (SYSTEM_ERROR, or no server reachable) through every retry, so the job
/// stopped. The message names the client, round, iteration and reason.
/// </summary>
public sealed class FederatedJobException : Exception
{
    /// <summary>Creates the exception for a refusal in <paramref name="round"/>.</summary>
    /// <param name="round">The round that failed, e.g. <c>updateModel</c>.</param>
    /// <param name="iteration">The iteration the client was in; 0 before it knew one.</param>
    /// <param name="retcode">The server's retcode; null when the failure was not a protocol reply.</param>
    /// <param name="message">What failed and what to do.</param>
    /// <param name="innerException">The fault underneath, if any.</param>
    public FederatedJobException(string round, int iteration, Retcode? retcode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Round = round;
        Iteration = iteration;
        Retcode = retcode;
    }

    /// <summary>Creates the exception without details.</summary>
    public FederatedJobException()
        : this("The federated job failed.")
    {
    }

    /// <summary>Creates the exception with a plain message.</summary>
    /// <param name="message">What failed.</param>
    public FederatedJobException(string message)
        : base(message)
    {
        Round = string.Empty;
    }

    /// <summary>Creates the exception with a plain message and the fault underneath.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The fault underneath.</param>
    public FederatedJobException(string message, Exception innerException)
        : base(message, innerException)
    {
        Round = string.Empty;
    }

    /// <summary>The round that failed; empty when unknown.</summary>
    public string Round { get; }

    /// <summary>The iteration the client was in; 0 when unknown.</summary>
    public int Iteration { get; }

    /// <summary>The server's retcode, or null when the failure was not a protocol reply.</summary>
    public Retcode? Retcode { get; }
}
