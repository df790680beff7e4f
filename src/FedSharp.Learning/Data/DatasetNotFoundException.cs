namespace FedSharp.Learning.Data;

/// <summary>
/// No directory in the search order of <see cref="DatasetLocator"/> holds the data set. The message lists every
/// place looked at and how to install the data or point to it.
/// </summary>
public sealed class DatasetNotFoundException : Exception
{
    /// <summary>Creates the exception with an empty message.</summary>
    public DatasetNotFoundException()
    {
    }

    /// <summary>Creates the exception with a message that lists the places searched.</summary>
    public DatasetNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the fault that caused it.</summary>
    public DatasetNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
