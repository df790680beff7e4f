namespace FedSharp.Server.Redis;

/// <summary>
/// Redis could not be reached, refused the credentials or the TLS handshake, or holds data FedSharp cannot read. The
/// message is one line naming the address or key, what went wrong and what to do; it never contains the password.
/// </summary>
public sealed class RedisStoreException : Exception
{
    /// <summary>Creates the exception with an empty message.</summary>
    public RedisStoreException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public RedisStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>, keeping the client's exception as <paramref name="innerException"/>.</summary>
    public RedisStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
