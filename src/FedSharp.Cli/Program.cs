using System.CommandLine;
using FedSharp.Cli.Commands;

namespace FedSharp.Cli;

/// <summary>The entry point of the <c>fedsharp</c> command.</summary>
public static class Program
{
    /// <summary>Parses the command line and runs the chosen command.</summary>
    public static Task<int> Main(string[] args) => CreateRootCommand().Parse(args).InvokeAsync();

    internal static RootCommand CreateRootCommand() => new("FedSharp: federated learning for .NET")
    {
        DemoCommand.Create(),
        ServerCommand.Create(),
        ClientCommand.Create(),
        SimulateCommand.Create(),
        TrainCommand.Create(),
        BenchCommand.Create(),
    };
}
