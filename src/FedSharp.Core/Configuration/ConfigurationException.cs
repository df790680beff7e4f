namespace FedSharp.Core.Configuration;

/// <summary>
/// A configuration could not be loaded. <see cref="Errors"/> lists every problem found, each with its key, source
/// line and the allowed values, so that a user fixes them all in one pass.
/// </summary>
public sealed class ConfigurationException : Exception
{
    /// <summary>Creates the exception for the problems found in <paramref name="source"/>.</summary>
    /// <param name="source">The file or other source that was loaded.</param>
    /// <param name="errors">At least one problem.</param>
    public ConfigurationException(string source, IReadOnlyList<ConfigurationError> errors)
        : base(Describe(source, errors))
    {
        ConfigurationSource = source;
        Errors = errors;
    }

    /// <summary>Creates the exception for a single problem, keeping the fault underneath it.</summary>
    /// <param name="source">The file or other source that was loaded.</param>
    /// <param name="error">The problem.</param>
    /// <param name="innerException">The parser or I/O fault behind it.</param>
    public ConfigurationException(string source, ConfigurationError error, Exception innerException)
        : base(Describe(source, [error]), innerException)
    {
        ConfigurationSource = source;
        Errors = [error];
    }

    /// <summary>Creates the exception without details.</summary>
    public ConfigurationException()
        : this("The configuration is invalid.")
    {
    }

    /// <summary>Creates the exception with a plain message.</summary>
    /// <param name="message">What went wrong.</param>
    public ConfigurationException(string message)
        : base(message)
    {
        ConfigurationSource = "<unknown>";
        Errors = [];
    }

    /// <summary>Creates the exception with a plain message and the fault underneath it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The fault underneath it.</param>
    public ConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        ConfigurationSource = "<unknown>";
        Errors = [];
    }

    /// <summary>The file or other source that was loaded.</summary>
    public string ConfigurationSource { get; }

    /// <summary>Every problem found, in document order, overrides last.</summary>
    public IReadOnlyList<ConfigurationError> Errors { get; }

    private static string Describe(string source, IReadOnlyList<ConfigurationError> errors)
    {
        string count = errors.Count == 1 ? "1 error" : $"{errors.Count} errors";
        return $"Configuration '{source}' has {count}; fix {(errors.Count == 1 ? "it" : "them")} and start again:"
            + string.Concat(errors.Select(e => Environment.NewLine + "  " + e));
    }
}
