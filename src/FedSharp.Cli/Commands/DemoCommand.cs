using System.CommandLine;
using FedSharp.Core.Configuration;

namespace FedSharp.Cli.Commands;

/// <summary>
/// `fedsharp demo`: the embedded default. One process runs the server and 20 simulated devices on the Fashion-MNIST
/// subset bundled with the repository, so it needs no download, no configuration and no second machine.
/// </summary>
internal static class DemoCommand
{
    // The demo's whole configuration, MindSpore's keys plus FedSharp's; `fedsharp demo --print-config` shows it, and
    // `fedsharp simulate --config` runs a saved copy. Sized to finish well within 3 minutes on 2 cores.
    internal const string Configuration = """
        fl_name: fedsharp-demo
        fl_iteration_num: 30
        server_mode: FEDERATED_LEARNING
        round:
          start_fl_job_threshold: 20
          start_fl_job_time_window: 30000
          update_model_ratio: 1.0
          update_model_time_window: 60000
          global_iteration_time_window: 120000
        client:
          client_epoch_num: 3
          client_batch_size: 32
          client_learning_rate: 0.01
          client_momentum: 0.9
        fedsharp:
          model: simple-cnn
        simulation:
          clients: 20
          dataset: fashion-mnist-subset
          partition: iid
          transport: in_memory
          report_dir: ./fedsharp-demo
        """;

    public static Command Create()
    {
        var clients = new Option<int?>("--clients") { Description = "Simulated devices, all of them in every round (default 20)" };
        var rounds = new Option<int?>("--rounds") { Description = "Training rounds (default 30)" };
        var transport = new Option<string?>("--transport") { Description = "in_memory (default) or http (the devices call an embedded Kestrel server on loopback)" };
        var set = new Option<string[]>("--set") { Description = "Override any key of the demo's configuration (repeatable)" };
        var printConfig = new Option<bool>("--print-config") { Description = "Print the demo's YAML configuration and exit" };
        var json = new Option<bool>("--json") { Description = "JSON Lines as `fedsharp simulate --json`" };
        var command = new Command("demo", "Run the server and 20 simulated devices on the bundled Fashion-MNIST subset, in one process")
        {
            clients, rounds, transport, set, printConfig, json,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(token =>
        {
            if (parse.GetValue(printConfig))
            {
                Console.Out.WriteLine(Configuration);
                return Task.FromResult(0);
            }

            var overrides = new List<string>();
            if (parse.GetValue(clients) is int clientCount)
            {
                overrides.Add($"simulation.clients={clientCount}");
                overrides.Add($"round.start_fl_job_threshold={clientCount}");
            }

            if (parse.GetValue(rounds) is int roundCount)
            {
                overrides.Add($"fl_iteration_num={roundCount}");
            }

            if (parse.GetValue(transport) is string mode)
            {
                overrides.Add($"simulation.transport={mode}");
            }

            overrides.AddRange(parse.GetValue(set) ?? []);
            JobConfiguration configuration = JobConfiguration.Parse(Configuration, "fedsharp demo", overrides);
            return SimulationRunner.RunAsync(configuration, [], parse.GetValue(json), token);
        }, ct));
        return command;
    }
}
