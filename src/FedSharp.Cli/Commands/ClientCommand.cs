using System.CommandLine;
using FedSharp.Client;
using FedSharp.Client.Training;
using FedSharp.Client.Transport;
using FedSharp.Core.Configuration;
using FedSharp.Simulation;
using Spectre.Console;

namespace FedSharp.Cli.Commands;

/// <summary>
/// `fedsharp client`: one device process. It takes its share of a partitioned data set (every client process
/// partitions the same data with the same seed, so the shares are disjoint) and runs the client loop against the
/// given servers until the job ends.
/// </summary>
internal static class ClientCommand
{
    public static Command Create()
    {
        var serverUrls = new Option<string[]>("--server-urls") { Description = "Base URLs of the servers, tried in order on failure (repeatable or comma-separated)", Required = true };
        var config = new Option<FileInfo?>("--config") { Description = "The job's YAML (the server's); fl_name and the simulation: section are read from it" };
        var flName = new Option<string?>("--fl-name") { Description = "The job's fl_name when no --config is given" };
        var set = new Option<string[]>("--set") { Description = "Override a key (repeatable)" };
        var dataset = new Option<string?>("--dataset") { Description = "fashion-mnist, fashion-mnist-subset or mnist (default from the configuration)" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder holding the IDX files, searched first" };
        var partition = new Option<string?>("--partition") { Description = "iid, dirichlet, labels, quantity, shards or NIID-Bench's names (default from the configuration)" };
        var clientIndex = new Option<int>("--client-index") { Description = "This device's share, in [0, --clients)", Required = true };
        var clients = new Option<int?>("--clients") { Description = "How many shares the data is split into" };
        var model = new Option<string?>("--model") { Description = "Model-zoo architecture; must match the server's fedsharp.model" };
        var seed = new Option<int?>("--seed") { Description = "Seed of the partition (same on every device) and, plus the index, of local shuffling" };
        var caCert = new Option<string?>("--ca-cert") { Description = "PEM or DER file of the CA that signed the servers' certificates, trusted besides the system's roots (sets ssl.ca_cert_path)" };
        var http2 = new Option<bool>("--http2") { Description = "Speak HTTP/2 (needs https:// or an h2c endpoint)" };
        var json = new Option<bool>("--json") { Description = "JSON Lines: one object per iteration, then a summary" };
        var command = new Command("client", "Run one device: train on its data share and exchange updates with the servers")
        {
            serverUrls, config, flName, set, dataset, dataDir, partition, clientIndex, clients, model, seed, caCert, http2, json,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            bool asJson = parse.GetValue(json);
            var overrides = new List<string>(parse.GetValue(set) ?? []);
            AddOverride(overrides, "simulation.dataset", parse.GetValue(dataset));
            AddOverride(overrides, "simulation.data_dir", parse.GetValue(dataDir));
            AddOverride(overrides, "simulation.partition", parse.GetValue(partition));
            AddOverride(overrides, "simulation.clients", parse.GetValue(clients)?.ToString());
            AddOverride(overrides, "fedsharp.model", parse.GetValue(model));
            AddOverride(overrides, "simulation.seed", parse.GetValue(seed)?.ToString());
            AddOverride(overrides, "ssl.ca_cert_path", parse.GetValue(caCert));
            JobConfiguration configuration = LoadConfiguration(parse.GetValue(config), parse.GetValue(flName), overrides);

            SimulationOptions options = SimulationOptions.FromConfiguration(configuration);
            int index = parse.GetValue(clientIndex);
            if (index < 0 || index >= options.ClientCount)
            {
                throw new ArgumentException($"--client-index is {index} but the data is split into {options.ClientCount} shares; use an index in [0, {options.ClientCount}).");
            }

            FederatedDataset data = FederatedDataset.Load(options);
            var trainer = new LearningTrainer(options.ModelName, options.ModelSeed, data.Clients[index], data.Test, new Random(options.Seed + index));
            using var transport = new HttpFederationTransport(new HttpFederationTransportOptions
            {
                ServerUrls = SimulateCommand.ParseUrls(parse.GetValue(serverUrls)),
                UrlPrefix = configuration.Client.HttpUrlPrefix,
                CaCertificatePath = configuration.Ssl.CaCertPath,
                HttpVersion = parse.GetValue(http2) ? System.Net.HttpVersion.Version20 : System.Net.HttpVersion.Version11,
            });
            string clientId = FederatedSimulation.ClientId(index);
            var progress = new ReportWriter(asJson);
            var job = new FederatedJob(
                new FederatedJobOptions { FlName = configuration.FlName, ClientId = clientId },
                transport, trainer, TimeProvider.System, progress);
            FederatedJobResult result = await job.RunAsync(token);
            if (asJson)
            {
                JsonLines.Write(Console.Out, new ClientSummary(clientId, result.StopReason.ToString(), result.IterationsJoined, result.FinalModelIteration));
            }
            else
            {
                AnsiConsole.MarkupLine($"{clientId}: joined {result.IterationsJoined} iteration(s); stopped: {result.StopReason}; final model of iteration {result.FinalModelIteration?.ToString() ?? "none"}.");
            }

            return 0;
        }, ct));
        return command;
    }

    private static JobConfiguration LoadConfiguration(FileInfo? file, string? flName, List<string> overrides)
    {
        if (file is not null)
        {
            return JobConfiguration.Load(file.FullName, overrides);
        }

        if (string.IsNullOrWhiteSpace(flName))
        {
            throw new ArgumentException("Give the job's configuration with --config (the server's YAML) or at least its name with --fl-name.");
        }

        // Without the server's file, a minimal job: the device only needs the name; the plan comes from startFLJob.
        string yaml = $"fl_name: \"{flName.Replace("\"", "\\\"", StringComparison.Ordinal)}\"\nserver_mode: FEDERATED_LEARNING\nround:\n  start_fl_job_threshold: 1\n";
        return JobConfiguration.Parse(yaml, "fedsharp client", overrides);
    }

    private static void AddOverride(List<string> overrides, string key, string? value)
    {
        if (value is not null)
        {
            overrides.Add($"{key}={value}");
        }
    }

    private sealed class ReportWriter(bool json) : IProgress<IterationReport>
    {
        private readonly object _gate = new();

        public void Report(IterationReport value)
        {
            lock (_gate)
            {
                if (json)
                {
                    JsonLines.Write(Console.Out, new IterationLine(value.Iteration, value.Participation.ToString(), value.Valid, value.TrainingLoss, value.TrainedSamples, value.GlobalModelAccuracy, value.Reason));
                }
                else
                {
                    AnsiConsole.MarkupLine($"iteration {value.Iteration}: {value.Participation}{(value.Valid is bool v ? v ? ", valid" : ", failed" : string.Empty)}{(value.GlobalModelAccuracy is double a ? $", global model accuracy {a:P1}" : string.Empty)}");
                }
            }
        }
    }

    private sealed record IterationLine(int Iteration, string Participation, bool? Valid, double? TrainingLoss, int TrainedSamples, double? GlobalModelAccuracy, string Reason);

    private sealed record ClientSummary(string ClientId, string StopReason, int IterationsJoined, int? FinalModelIteration);
}
