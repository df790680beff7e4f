namespace FedSharp.Client.Transport;

/// <summary>
/// A round request could not be delivered: no server answered (every URL refused, timed out or failed), or a server
/// refused the request with a client-error status whose text says why.
/// </summary>
public sealed class FederationTransportException : Exception
{
    /// <summary>Creates the exception for <paramref name="round"/>.</summary>
    /// <param name="round">The round whose request failed.</param>
    /// <param name="statusCode">The HTTP status a server answered with, or null when no server answered.</param>
    /// <param name="message">What failed, naming the URLs, the status and the server's reason.</param>
    /// <param name="innerException">The network fault underneath, if any.</param>
    public FederationTransportException(string round, int? statusCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Round = round;
        StatusCode = statusCode;
    }

    /// <summary>Creates the exception without details.</summary>
    public FederationTransportException()
        : this("A federation request failed.")
    {
    }

    /// <summary>Creates the exception with a plain message.</summary>
    /// <param name="message">What failed.</param>
    public FederationTransportException(string message)
        : base(message)
    {
        Round = string.Empty;
    }

    /// <summary>Creates the exception with a plain message and the fault underneath.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The fault underneath.</param>
    public FederationTransportException(string message, Exception innerException)
        : base(message, innerException)
    {
        Round = string.Empty;
    }

    /// <summary>The round whose request failed, e.g. <c>updateModel</c>; empty when unknown.</summary>
    public string Round { get; }

    /// <summary>The HTTP status a server refused the request with, or null when no server could be reached.</summary>
    public int? StatusCode { get; }

    /// <summary>
    /// True when the servers that could be reached presented TLS certificates the client does not trust (an unknown
    /// CA, a wrong host name or an expired certificate): retrying cannot help until the client is given the right CA.
    /// </summary>
    public bool CertificateRejected { get; init; }

    /// <summary>True when no server answered, so the same request may succeed later; false for a rejected certificate.</summary>
    public bool IsTransient => StatusCode is null && !CertificateRejected;
}
