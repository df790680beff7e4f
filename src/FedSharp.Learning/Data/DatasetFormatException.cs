namespace FedSharp.Learning.Data;

/// <summary>
/// A data set file is missing, truncated or does not follow its format (IDX, LEAF JSON, MindSpore binary).
/// The message names the file, the fault and how to fix it.
/// </summary>
public sealed class DatasetFormatException : Exception
{
    /// <summary>Creates the exception with an empty message.</summary>
    public DatasetFormatException()
    {
    }

    /// <summary>Creates the exception with a message that names the file, the fault and the fix.</summary>
    public DatasetFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the I/O or parser fault that caused it.</summary>
    public DatasetFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for the file at <paramref name="filePath"/>.</summary>
    /// <param name="message">Names the file, the fault and the fix.</param>
    /// <param name="filePath">The file at fault.</param>
    /// <param name="innerException">The I/O or parser fault that caused it, if any.</param>
    public DatasetFormatException(string message, string filePath, Exception? innerException)
        : base(message, innerException)
    {
        FilePath = filePath;
    }

    /// <summary>The file at fault, or <see langword="null"/> when not known.</summary>
    public string? FilePath { get; }
}
