using FedSharp.Client;
using FedSharp.Client.Transport;
using FedSharp.Core.Configuration;
using FedSharp.Learning.Data;

namespace FedSharp.Cli;

/// <summary>
/// Runs a command body under the command-line contract: exit code 0 on success; otherwise a one-line reason on
/// stderr and a non-zero exit code, with no stack trace for faults the user can fix (bad input, missing files).
/// </summary>
internal static class CommandRunner
{
    /// <summary>Environment variable that turns on the debug log: stack traces of failures, and the server's debug log lines.</summary>
    public const string DebugVariable = "FEDSHARP_DEBUG";

    /// <summary>Whether <see cref="DebugVariable"/> is set to 1 or true.</summary>
    public static bool IsDebug => Environment.GetEnvironmentVariable(DebugVariable) is { } value
        && (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase));

    public static async Task<int> RunAsync(Func<CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("fedsharp: cancelled.");
            return 130;
        }
        catch (ConfigurationException ex) when (ex.Errors.Count > 0)
        {
            // One line per key, each naming the file and line, the key, its value and the fix.
            foreach (ConfigurationError error in ex.Errors)
            {
                await Console.Error.WriteLineAsync($"fedsharp: {OneLine(error.ToString())}");
            }

            await WriteDebugAsync(ex);
            return 1;
        }
        catch (Exception ex) when (IsUserFault(ex))
        {
            await Console.Error.WriteLineAsync($"fedsharp: {OneLine(ex.Message)}");
            await WriteDebugAsync(ex);
            return 1;
        }
        catch (Exception ex)
        {
            await Console.Error.WriteLineAsync($"fedsharp: internal error: {OneLine(ex.Message)}"
                + (IsDebug ? string.Empty : $" (set {DebugVariable}=1 to see the stack trace, and include it when you report this)"));
            await WriteDebugAsync(ex);
            return 70;
        }
    }

    // Bad arguments, unreadable or corrupt files and bad configuration are the user's to fix: the message says how.
    private static bool IsUserFault(Exception ex) =>
        ex is ArgumentException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException
            or UnauthorizedAccessException or FormatException or NotSupportedException
            or DatasetNotFoundException or DatasetFormatException or ConfigurationException
            or FederatedJobException or FederationTransportException or StartupException;

    private static async Task WriteDebugAsync(Exception ex)
    {
        if (IsDebug)
        {
            await Console.Error.WriteLineAsync(ex.ToString());
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
