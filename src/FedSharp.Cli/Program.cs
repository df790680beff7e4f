namespace FedSharp.Cli;

/// <summary>The entry point of the <c>fedsharp</c> command.</summary>
public static class Program
{
    /// <summary>Parses the command line and runs the chosen command.</summary>
    public static int Main(string[] args) => args.Length == 0 ? 0 : 1;
}
