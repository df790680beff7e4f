using FedSharp.Client.Training;
using FedSharp.Core.Configuration;
using FedSharp.Hosting;
using FedSharp.Server;
using FedSharp.Simulation;
using Spectre.Console;

namespace FedSharp.Cli.Commands;

/// <summary>
/// What `fedsharp simulate` and `fedsharp demo` share: load and partition the data, run the virtual clients against
/// the round engine (in memory, over HTTP against an embedded Kestrel server, or against external servers), stream
/// one JSON line or progress tick per round, write the report and chart, print the summary.
/// </summary>
internal static class SimulationRunner
{
    public static async Task<int> RunAsync(
        JobConfiguration configuration, IReadOnlyList<Uri> externalServers, bool json, CancellationToken token,
        string? exportDirectory = null, bool exportOnly = false)
    {
        SimulationOptions options = SimulationOptions.FromConfiguration(configuration);
        FederatedDataset data = FederatedDataset.Load(options);
        if (exportDirectory is not null)
        {
            string manifest = Export(exportDirectory, options, data);
            if (exportOnly)
            {
                if (json)
                {
                    JsonLines.Write(Console.Out, new ExportLine(Path.GetFullPath(exportDirectory), manifest, data.Clients.Count, data.Test.Count));
                }
                else
                {
                    AnsiConsole.MarkupLine($"export: {Markup.Escape(manifest)} ({data.Clients.Count} clients, {data.Test.Count} test samples)");
                }

                return 0;
            }

            if (!json)
            {
                AnsiConsole.MarkupLine($"export: {Markup.Escape(manifest)}");
            }
        }

        var simulation = new FederatedSimulation(options, TimeProvider.System);
        string title = options.Describe();
        if (!json)
        {
            AnsiConsole.MarkupLine($"[bold]FedSharp simulation[/]: {Markup.Escape(title)}; {Markup.Escape(data.Description)}; {options.Threads} training thread(s).");
        }

        SimulationResult result = await TerminalProgress.RunAsync(json, "rounds", async report =>
        {
            var progress = new SynchronousProgress(round =>
            {
                report(round.Round, options.Rounds);
                if (json)
                {
                    JsonLines.Write(Console.Out, new RoundLine(round.Round, round.Valid, round.Accuracy, round.Loss, round.Participants, round.Seconds));
                }
            });
            return await RunOnTransportAsync(simulation, options, data, externalServers, progress, token);
        });

        IReadOnlyList<string> files = SimulationReport.Write(options.ReportDirectory, result, title);
        string chart = files.FirstOrDefault(f => f.EndsWith(SimulationReport.ChartFileName, StringComparison.Ordinal)) ?? Path.Combine(options.ReportDirectory, SimulationReport.ChartFileName);
        SimulationSummary summary = result.Summary;
        if (json)
        {
            JsonLines.Write(Console.Out, new SummaryLine(
                summary.FinalAccuracy, summary.BestAccuracy, summary.Rounds, summary.ValidRounds, summary.Seconds,
                summary.LocalTrainingSeconds, summary.Threads, summary.OverheadRatio, Path.GetFullPath(options.ReportDirectory), Path.GetFullPath(chart)));
        }
        else
        {
            PrintTable(result);
            AnsiConsole.MarkupLine(
                $"final accuracy [bold]{summary.FinalAccuracy:P2}[/], best {summary.BestAccuracy:P2}; {summary.ValidRounds} of {summary.Rounds} rounds valid; {summary.Seconds:F1} s.");
            AnsiConsole.MarkupLine($"chart: [link]{Markup.Escape(Path.GetFullPath(chart))}[/]");
            AnsiConsole.MarkupLine($"report: {Markup.Escape(Path.GetFullPath(options.ReportDirectory))} (rounds.csv, rounds.json, summary.json, metrics.json)");
        }

        return summary.ValidRounds > 0 ? 0 : 1;
    }

    private static string Export(string directory, SimulationOptions options, FederatedDataset data)
    {
        // The simulation builds its global model from the same name and seed, so these are the weights round 1 starts from.
        ModelPool models = ModelPool.ForZooModel(options.ModelName, options.ModelSeed);
        try
        {
            return Path.GetFullPath(SimulationExport.Write(directory, options, data, models.InitialParameters));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"--export-dir '{directory}' cannot be written ({ex.Message}); give a directory you can create and write to.", ex);
        }
    }

    private static async Task<SimulationResult> RunOnTransportAsync(
        FederatedSimulation simulation, SimulationOptions options, FederatedDataset data, IReadOnlyList<Uri> externalServers,
        IProgress<RoundReport> progress, CancellationToken token)
    {
        if (externalServers.Count > 0)
        {
            return await simulation.RunAsync(data, externalServers, progress, token);
        }

        if (options.Transport == SimulationTransport.InMemory)
        {
            return await simulation.RunAsync(data, progress, token);
        }

        // HTTP against the embedded server: the same Kestrel endpoints a device would call, on a free loopback port.
        options.ClearServerFiles();
        ModelPool models = ModelPool.ForZooModel(options.ModelName, options.ModelSeed);
        await using FederatedServer server = await FederatedServer.StartAsync(options.CreateServerConfiguration(), models.InitialParameters, TimeProvider.System, token);
        var hostOptions = FederatedHostOptions.FromConfiguration(server.Configuration);
        hostOptions.ListenAddresses = ["127.0.0.1:0"];
        await using FederatedHost host = await FederatedHost.StartAsync(server, hostOptions, token);
        SimulationResult result = await simulation.RunAsync(data, host.Addresses, progress, token);
        await host.StopAsync(CancellationToken.None);
        return result;
    }

    private static void PrintTable(SimulationResult result)
    {
        var table = new Table().RoundedBorder()
            .AddColumn("round").AddColumn("valid").AddColumn(new TableColumn("accuracy").RightAligned())
            .AddColumn(new TableColumn("loss").RightAligned()).AddColumn(new TableColumn("clients").RightAligned())
            .AddColumn(new TableColumn("seconds").RightAligned());
        foreach (RoundReport round in result.Rounds)
        {
            table.AddRow(
                round.Round.ToString(),
                round.Valid ? "[green]yes[/]" : $"[red]no[/] {Markup.Escape(round.Reason)}",
                round.Accuracy.ToString("P2"),
                round.Loss.ToString("F4"),
                round.Participants.ToString(),
                round.Seconds.ToString("F1"));
        }

        AnsiConsole.Write(table);
    }

    /// <summary>Reports on the caller's thread, in order; <see cref="Progress{T}"/> would post to the thread pool and reorder lines.</summary>
    private sealed class SynchronousProgress(Action<RoundReport> report) : IProgress<RoundReport>
    {
        private readonly object _gate = new();

        public void Report(RoundReport value)
        {
            lock (_gate)
            {
                report(value);
            }
        }
    }

    private sealed record ExportLine(string ExportDir, string Manifest, int Clients, int TestSamples);

    private sealed record RoundLine(int Round, bool Valid, double Accuracy, double Loss, int Participants, double Seconds);

    private sealed record SummaryLine(
        double FinalAccuracy, double BestAccuracy, int Rounds, int ValidRounds, double Seconds,
        double LocalTrainingSeconds, int Threads, double OverheadRatio, string ReportDir, string Chart);
}
