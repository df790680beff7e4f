using System.CommandLine;
using FedSharp.Core.Configuration;

namespace FedSharp.Cli.Commands;

/// <summary>`fedsharp simulate`: N virtual clients on a partitioned data set against the real round engine.</summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "YAML configuration with a simulation: section (see docs/configuration.md and examples/)", Required = true };
        var set = new Option<string[]>("--set") { Description = "Override a key, e.g. --set simulation.partition=dirichlet (repeatable)" };
        var serverUrls = new Option<string[]>("--server-urls") { Description = "Run the clients over HTTP against these external servers instead of an embedded one (repeatable or comma-separated)" };
        var caCert = new Option<string?>("--ca-cert") { Description = "With --server-urls: PEM or DER file of the CA that signed the servers' certificates (sets ssl.ca_cert_path)" };
        var json = new Option<bool>("--json") { Description = "JSON Lines: one object per round, then the summary" };
        var exportDir = new Option<DirectoryInfo>("--export-dir") { Description = "Before training, write the partition (each client's training-sample indices, the test set), the initial global model's weights and the hyperparameters here as manifest.json and .npy files, for benchmarks/reference/fedavg_torch.py; created when missing" };
        var exportOnly = new Option<bool>("--export-only") { Description = "With --export-dir: write the export and stop without training" };
        var command = new Command("simulate", "Simulate federated training with N virtual clients; writes a CSV/JSON report and an accuracy chart")
        {
            config, set, serverUrls, caCert, json, exportDir, exportOnly,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(token =>
        {
            string[] overrides = [.. parse.GetValue(set) ?? [], .. parse.GetValue(caCert) is { } ca ? [$"ssl.ca_cert_path={ca}"] : Array.Empty<string>()];
            JobConfiguration configuration = JobConfiguration.Load(parse.GetValue(config)!.FullName, overrides);
            string? export = parse.GetValue(exportDir)?.FullName;
            if (parse.GetValue(exportOnly) && export is null)
            {
                throw new ArgumentException("--export-only needs --export-dir DIR, the directory to write the export to.");
            }

            return SimulationRunner.RunAsync(
                configuration, ParseUrls(parse.GetValue(serverUrls)), parse.GetValue(json), token, export, parse.GetValue(exportOnly));
        }, ct));
        return command;
    }

    internal static IReadOnlyList<Uri> ParseUrls(string[]? values)
    {
        var urls = new List<Uri>();
        foreach (string value in (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                throw new ArgumentException($"--server-urls has '{value}', which is not an http:// or https:// URL; give e.g. http://127.0.0.1:6666.");
            }

            urls.Add(url);
        }

        return urls;
    }
}
