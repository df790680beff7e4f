namespace FedSharp.Cli;

/// <summary>
/// A command could not start because of something the user can change (an address in use, a certificate that does
/// not load, a folder that cannot be read); the message names it and the fix, the inner exception keeps the details.
/// </summary>
internal sealed class StartupException : Exception
{
    public StartupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
