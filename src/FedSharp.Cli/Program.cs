using System.CommandLine;
using Spectre.Console;
using FedSharp.Cli.Commands;

namespace FedSharp.Cli;

/// <summary>The entry point of the <c>fedsharp</c> command.</summary>
public static class Program
{
    /// <summary>Parses the command line and runs the chosen command.</summary>
    public static Task<int> Main(string[] args)
    {
        if (Console.IsOutputRedirected)
        {
            // Piped or redirected output stays plain text: no colours, links or cursor codes, and no wrapping at 80
            // columns, so logs and scripts read the same lines a terminal shows.
            AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
            });
            AnsiConsole.Profile.Width = 240;
        }

        return CreateRootCommand().Parse(args).InvokeAsync();
    }

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
