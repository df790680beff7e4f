using System.CommandLine;
using System.Net.Sockets;
using System.Security.Cryptography;
using FedSharp.Client.Training;
using FedSharp.Core.Configuration;
using FedSharp.Core.Models;
using FedSharp.Hosting;
using FedSharp.Learning.Models;
using FedSharp.Server;
using FedSharp.Server.Rounds;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace FedSharp.Cli.Commands;

/// <summary>`fedsharp server`: the device-facing endpoint running the round engine, until stopped or finished.</summary>
internal static class ServerCommand
{
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>Environment variable holding the password of a PFX certificate (kept off the command line).</summary>
    public const string CertificatePasswordVariable = "FEDSHARP_CERT_PASSWORD";

    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "YAML configuration (MindSpore's keys; see docs/configuration.md)", Required = true };
        var set = new Option<string[]>("--set") { Description = "Override a key, e.g. --set round.start_fl_job_threshold=10 (repeatable)" };
        var http = new Option<string[]>("--http") { Description = "host:port to listen on (repeatable; default fedsharp.http_listen_address; port 0 picks a free port)" };
        var h2c = new Option<string[]>("--h2c") { Description = "host:port of an extra cleartext HTTP/2-only endpoint, for load tools such as h2load (repeatable)" };
        var cert = new Option<string?>("--cert") { Description = $"TLS certificate: a .pfx/.p12 (password in ${CertificatePasswordVariable}) or a PEM file with --cert-key; enables HTTPS with HTTP/1.1 and HTTP/2" };
        var certKey = new Option<string?>("--cert-key") { Description = "PEM private key of --cert" };
        var exitWhenFinished = new Option<bool>("--exit-when-finished") { Description = "Exit 0 once fl_iteration_num iterations are done and --linger-seconds have passed (for scripts)" };
        var linger = new Option<double>("--linger-seconds") { Description = "With --exit-when-finished: keep serving getResult and getModel this long after the last iteration, so devices learn the outcome", DefaultValueFactory = _ => 5 };
        var json = new Option<bool>("--json") { Description = "JSON Lines: a 'listening' line, one line per finished iteration, then a summary" };
        var command = new Command("server", "Run a federated learning server: the round engine behind HTTP(S) endpoints")
        {
            config, set, http, h2c, cert, certKey, exitWhenFinished, linger, json,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            bool asJson = parse.GetValue(json);
            JobConfiguration configuration = JobConfiguration.Load(parse.GetValue(config)!.FullName, parse.GetValue(set) ?? []);
            ModelParameters initialModel = InitialModel(configuration);

            FederatedHostOptions hostOptions = FederatedHostOptions.FromConfiguration(configuration);
            string[] listen = parse.GetValue(http) ?? [];
            if (listen.Length > 0)
            {
                hostOptions.ListenAddresses = listen;
            }

            hostOptions.H2cListenAddresses = parse.GetValue(h2c) ?? [];
            hostOptions.CertificatePath = parse.GetValue(cert) ?? hostOptions.CertificatePath;
            hostOptions.CertificateKeyPath = parse.GetValue(certKey) ?? hostOptions.CertificateKeyPath;
            hostOptions.CertificatePassword ??= Environment.GetEnvironmentVariable(CertificatePasswordVariable);
            IReadOnlyList<string> problems = hostOptions.Validate();
            if (problems.Count > 0)
            {
                throw new ArgumentException(string.Join(" ", problems));
            }

            if (CommandRunner.IsDebug)
            {
                hostOptions.MinimumLogLevel = LogLevel.Debug;
            }

            await using FederatedServer server = await StartServerAsync(configuration, initialModel, token);
            await using FederatedHost host = await StartHostAsync(server, hostOptions, token);
            string[] urls = [.. host.Addresses.Concat(host.H2cAddresses).Select(u => u.ToString())];
            int? resumed = server.Startup.ResumedFrom?.Iteration;
            if (asJson)
            {
                JsonLines.Write(Console.Out, new ListeningLine("listening", configuration.FlName, urls, server.Startup.State.Iteration, resumed));
            }
            else
            {
                AnsiConsole.MarkupLine($"[bold]{Markup.Escape(configuration.FlName)}[/]: listening on {Markup.Escape(string.Join(", ", urls))}; iteration {server.Startup.State.Iteration} of {configuration.FlIterationNum}"
                    + (resumed is { } r ? $", resumed from the checkpoint of iteration {r}" : string.Empty) + ". Ctrl+C stops.");
            }

            foreach (var fault in server.Startup.CheckpointFaults)
            {
                await Console.Error.WriteLineAsync($"fedsharp: skipped checkpoint {fault.Path}: {fault.Fault}; the newest readable checkpoint, or else the initial model, is used instead.");
            }

            // A resumed instance keeps the checkpoint's outcome for getResult; this process reports only what it ran.
            int ranAfter = resumed ?? 0;
            var reported = new ReportedIterations(ranAfter);
            RoundState final = await FollowAsync(server, asJson ? Console.Out : null, parse.GetValue(exitWhenFinished), ranAfter, s_pollInterval, token, reported);
            if (parse.GetValue(exitWhenFinished) && final.Status == InstanceStatus.Finished && !token.IsCancellationRequested)
            {
                // A finished instance still answers getResult and getModel (as MindSpore's does): devices polling for
                // the last iteration's outcome must get it before the endpoint goes away.
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(Math.Max(0, parse.GetValue(linger))), token);
                }
                catch (OperationCanceledException)
                {
                }
            }
            if (asJson)
            {
                // Counted as reported: the round state keeps only the newest outcomes (RoundStateMachine.OutcomeHistory).
                JsonLines.Write(Console.Out, new ServerSummary(final.Iteration, reported.Valid, reported.Count, final.Status.ToString()));
            }

            await host.StopAsync(CancellationToken.None);
            return 0;
        }, ct));
        return command;
    }

    /// <summary>The zoo model named by <c>fedsharp.model</c>, initialised from <c>fedsharp.model_seed</c>.</summary>
    internal static ModelParameters InitialModel(JobConfiguration configuration)
    {
        string name = configuration.FedSharp.Model;
        if (!ModelZoo.Names.Contains(name))
        {
            throw new ArgumentException($"fedsharp.model is '{name}', which is not in the model zoo; use one of {string.Join(", ", ModelZoo.Names)}.");
        }

        return ModelParametersConversion.ToModelParameters(ModelZoo.Create(name, configuration.FedSharp.ModelSeed).ExportParameters());
    }

    // Faults of the machine a user can fix (folders, files, permissions) become one line naming the file and the fix.
    private static async Task<FederatedServer> StartServerAsync(JobConfiguration configuration, ModelParameters initialModel, CancellationToken token)
    {
        try
        {
            return await FederatedServer.StartAsync(configuration, initialModel, TimeProvider.System, token);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The server's messages name the folder, its configuration key and the fix.
            throw new StartupException($"Job '{configuration.FlName}' cannot start: {ex.Message}", ex);
        }
    }

    private static async Task<FederatedHost> StartHostAsync(FederatedServer server, FederatedHostOptions options, CancellationToken token)
    {
        try
        {
            return await FederatedHost.StartAsync(server, options, token);
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            // Kestrel's message names the address for a port in use ("Failed to bind to address http://127.0.0.1:6666:
            // address already in use."); an address of another machine fails with the socket's own message.
            string ending = ex.Message.EndsWith('.') ? string.Empty : ".";
            throw new StartupException(
                $"Cannot listen on {string.Join(", ", options.ListenAddresses.Concat(options.H2cListenAddresses))}: {ex.Message}{ending} Choose another address with --http HOST:PORT (--h2c likewise): an address of this machine and a port no other program holds; port 0 picks a free port.",
                ex);
        }
        catch (CryptographicException ex)
        {
            throw new StartupException(
                $"The TLS certificate '{options.CertificatePath}' does not load: {ex.Message} Give --cert a PFX/PKCS#12 file (its password in ${CertificatePasswordVariable}) or a PEM certificate with its key in --cert-key.",
                ex);
        }
    }

    // Reports each finished iteration until the instance finishes (with --exit-when-finished) or Ctrl+C/SIGTERM; returns
    // the state read after the last report, so the summary and the iteration lines always agree.
    // JSON Lines go to `json` when it is set, else readable lines to the terminal.
    internal static async Task<RoundState> FollowAsync(
        FederatedServer server, TextWriter? json, bool exitWhenFinished, int ranAfter, TimeSpan pollInterval, CancellationToken token, ReportedIterations? reported = null)
    {
        reported ??= new ReportedIterations(ranAfter);
        RoundState state = await server.Coordinator.GetStateAsync(CancellationToken.None);
        while (true)
        {
            // By iteration number, not position: the state keeps only the newest outcomes, so positions shift.
            foreach (IterationOutcome outcome in state.Outcomes.Where(o => o.Iteration > reported.Last))
            {
                reported.Add(outcome);
                if (json is not null)
                {
                    JsonLines.Write(json, new IterationLine(outcome.Iteration, outcome.Valid, outcome.Reason, outcome.Participants, outcome.Duration.TotalSeconds));
                }
                else
                {
                    AnsiConsole.MarkupLine($"iteration {outcome.Iteration}: {(outcome.Valid ? "[green]valid[/]" : "[red]failed[/]")} with {outcome.Participants} participant(s) in {outcome.Duration.TotalSeconds:F1} s{(outcome.Valid ? string.Empty : " — " + Markup.Escape(outcome.Reason))}");
                }
            }

            if ((exitWhenFinished && state.Status == InstanceStatus.Finished) || token.IsCancellationRequested)
            {
                return state;
            }

            try
            {
                await Task.Delay(pollInterval, token);
            }
            catch (OperationCanceledException)
            {
                // Stopping: an aggregation already under way finishes first (its devices were acknowledged), then one
                // more pass below reads the state as it is now, so iterations that ended since the last poll are still
                // reported and the summary describes the instance as it stopped, not as it was 200 ms ago.
                await server.Coordinator.WhenIdleAsync();
            }

            state = await server.Coordinator.CheckDeadlinesAsync(CancellationToken.None);
        }
    }

    /// <summary>What <see cref="FollowAsync"/> has reported: the last iteration, and how many (and how many valid) since the start.</summary>
    internal sealed class ReportedIterations(int after)
    {
        public int Last { get; private set; } = after;

        public int Count { get; private set; }

        public int Valid { get; private set; }

        public void Add(IterationOutcome outcome)
        {
            Last = outcome.Iteration;
            Count++;
            Valid += outcome.Valid ? 1 : 0;
        }
    }

    private sealed record ListeningLine(string Event, string FlName, string[] Urls, int Iteration, int? ResumedFromIteration);

    private sealed record IterationLine(int Iteration, bool Valid, string Reason, int Participants, double Seconds);

    private sealed record ServerSummary(int Iteration, int ValidIterations, int Iterations, string Status);
}
