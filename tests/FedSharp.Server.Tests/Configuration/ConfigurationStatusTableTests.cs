using System.Globalization;
using System.Text.RegularExpressions;
using FedSharp.Core.Configuration;

namespace FedSharp.Server.Tests.Configuration;

/// <summary>
/// docs/configuration.md's tables against the loader and the server, key by key: every key is listed once; a key
/// marked "used" set to a value other than its default loads and the server starts; a key marked "refused" stops
/// start-up with an error that names the key and the value. So the page cannot drift from the code again.
/// </summary>
public sealed partial class ConfigurationStatusTableTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public static TheoryData<string> DocumentedKeys()
    {
        var data = new TheoryData<string>();
        foreach (string key in ReadTable().Keys)
        {
            data.Add(key);
        }

        return data;
    }

    [Fact]
    public void Table_ListsEveryKeyOfTheSchemaOnce()
    {
        List<string> documented = [.. ReadRows().Select(r => r.Key)];

        Assert.Equal(documented.Count, documented.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(JobConfiguration.KeyPaths.Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Table_StatusIsUsedOrRefusedWithAReason()
    {
        foreach (Row row in ReadRows())
        {
            Assert.True(
                row.Status == "used" || UsedExcept().IsMatch(row.Status) || (row.Status.StartsWith("refused: ", StringComparison.Ordinal) && row.Status.Length > 20),
                $"'{row.Key}' has status '{row.Status}'; write 'used', 'refused: <why>' or 'used except `A`, `B` (refused: <why>)'.");
        }
    }

    [Theory]
    [MemberData(nameof(DocumentedKeys))]
    public async Task Key_SetToAnotherValue_ActsOrIsRefusedAsTheTableSays(string key)
    {
        Row row = ReadTable()[key];
        foreach ((string[] assignments, bool refused) in Probes(row))
        {
            JobConfiguration configuration = BaseConfiguration();
            ConfigurationException? loadError = null;
            try
            {
                configuration.ApplyOverrides(assignments);
            }
            catch (ConfigurationException ex)
            {
                loadError = ex;
            }

            string probe = string.Join(" ", assignments);
            if (loadError is not null)
            {
                // Only a key whose single allowed value is its default can be refused by the loader itself.
                Assert.True(refused && AllowedValues(row).Count == 1, $"{probe} did not load: {loadError.Message}");
                Assert.Contains(loadError.Errors, e => e.KeyPath == key);
                continue;
            }

            if (refused)
            {
                ConfigurationException error = await Assert.ThrowsAsync<ConfigurationException>(() => StartAsync(configuration));
                ConfigurationError named = Assert.Single(error.Errors, e => e.KeyPath == key);
                Assert.Contains($"'{key}' is ", named.Message, StringComparison.Ordinal);
                Assert.Contains("--set", named.Source, StringComparison.Ordinal);
            }
            else
            {
                FederatedServer server = await StartAsync(configuration);
                await server.DisposeAsync();
            }
        }
    }

    [Fact]
    public void MindSporeLeNetExample_Parses_AndEveryRefusalNamesItsLine()
    {
        // The copy FedSharp.Core.Tests checks against shared/reference/mindspore-lenet-example.yaml.
        string path = Path.Combine(RepositoryRoot(), "tests", "FedSharp.Core.Tests", "Assets", "mindspore-lenet-example.yaml");

        JobConfiguration configuration = JobConfiguration.Load(path);
        IReadOnlyList<ConfigurationError> refused = configuration.FindUnsupported();

        Assert.Contains(refused, e => e.KeyPath == "distributed_cache.address" && e.Message.Contains("'127.0.0.1:23456'", StringComparison.Ordinal));
        Assert.Contains(refused, e => e.KeyPath == "unsupervised.eval_type" && e.Message.Contains("SILHOUETTE_SCORE", StringComparison.Ordinal));
        Assert.All(refused, e => Assert.True(e.Line > 0, $"{e} has no line"));
        Dictionary<string, Row> table = ReadTable();
        Assert.All(refused, e => Assert.DoesNotMatch("^used$", table[e.KeyPath].Status));
    }

    public void Dispose() => _directory.Dispose();

    private JobConfiguration BaseConfiguration()
    {
        string yaml = $"""
            fl_name: table
            server_mode: FEDERATED_LEARNING
            round:
              start_fl_job_threshold: 2
            summary:
              metrics_file: '{Path.Combine(_directory.Path, "metrics.json")}'
              failure_event_file: '{Path.Combine(_directory.Path, "event.txt")}'
            fedsharp:
              checkpoint_dir: '{Path.Combine(_directory.Path, "ckpt")}'
            """;
        return JobConfiguration.Parse(yaml, "table.yaml");
    }

    private static Task<FederatedServer> StartAsync(JobConfiguration configuration) =>
        FederatedServer.StartAsync(configuration, Models.Filled(0.5f), TimeProvider.System, CancellationToken.None);

    // One or more (assignments, refused) pairs that set the key to something other than its default.
    private IEnumerable<(string[] Assignments, bool Refused)> Probes(Row row)
    {
        bool refusedKey = row.Status.StartsWith("refused", StringComparison.Ordinal);
        IReadOnlyList<string> allowed = AllowedValues(row);
        if (row.Type == "choice")
        {
            HashSet<string> refusedValues = UsedExcept().Match(row.Status) is { Success: true } m
                ? [.. Backticked().Matches(m.Groups["values"].Value).Select(v => v.Groups[1].Value)]
                : [];
            foreach (string value in allowed.Where(v => v != row.Default))
            {
                yield return (With(row.Key, value), refusedKey || refusedValues.Contains(value));
            }

            yield break;
        }

        if (row.Type == "bool")
        {
            yield return (With(row.Key, row.Default == "true" ? "false" : "true"), refusedKey);
            yield break;
        }

        if (allowed.Count == 1)
        {
            yield return ([$"{row.Key}=not-{allowed[0]}"], refusedKey);
            yield break;
        }

        yield return (With(row.Key, ProbeValue(row)), refusedKey);
    }

    // Keys whose value must satisfy a rule between keys bring the keys that rule needs.
    private static string[] With(string key, string value) => key switch
    {
        "enable_ssl" => [$"{key}={value}", "ssl.server_cert_path=server.pfx", "ssl.ca_cert_path=ca.pem"],
        "unsupervised.eval_type" => [$"{key}={value}", "unsupervised.cluster_client_num=1"],
        "aggregation.iid_rate" => [$"{key}={value}", "aggregation.aggregation_type=FedProx"],
        "aggregation.total_client_num" => [$"{key}={value}", "aggregation.aggregation_type=Scaffold"],
        "aggregation.aggregation_type" when value == "Scaffold" => [$"{key}={value}", "aggregation.total_client_num=10"],
        "fedsharp.sampling_target" => [$"{key}={value}", "fedsharp.client_sampling=random"],
        "fedsharp.server_learning_rate" or "fedsharp.server_momentum" => [$"{key}={value}", "fedsharp.server_optimizer=momentum"],
        "fedsharp.server_beta1" or "fedsharp.server_beta2" or "fedsharp.server_tau" => [$"{key}={value}", "fedsharp.server_optimizer=yogi"],
        "fedsharp.robust_aggregation" => [$"{key}={value}", "round.start_fl_job_threshold=10"],
        "fedsharp.trimmed_mean_beta" => [$"{key}={value}", "fedsharp.robust_aggregation=trimmed_mean", "round.start_fl_job_threshold=10"],
        "fedsharp.krum_byzantine" => [$"{key}={value}", "fedsharp.robust_aggregation=krum", "round.start_fl_job_threshold=10"],
        "fedsharp.multi_krum_selected" => [$"{key}={value}", "fedsharp.robust_aggregation=multi_krum", "round.start_fl_job_threshold=10"],
        "simulation.attack" => [$"{key}={value}", "simulation.attackers=0.2"],
        "simulation.attackers" => [$"{key}={value}", "simulation.attack=sign_flip"],
        "simulation.attack_scale" => [$"{key}={value}", "simulation.attack=sign_flip", "simulation.attackers=0.2"],
        _ => [$"{key}={value}"],
    };

    private string ProbeValue(Row row) => row.Key switch
    {
        "fl_name" => "another-job",
        "round.start_fl_job_threshold" => "3",
        "distributed_cache.address" => "127.0.0.1:6379",
        "summary.metrics_file" => Path.Combine(_directory.Path, "other-metrics.json"),
        "summary.failure_event_file" => Path.Combine(_directory.Path, "other-event.txt"),
        "summary.data_rate_dir" => Path.Combine(_directory.Path, "rates"),
        "summary.participation_time_level" => "'10,20'",
        "client.http_url_prefix" => "fl",
        "fedsharp.checkpoint_dir" => Path.Combine(_directory.Path, "other-ckpt"),
        "fedsharp.http_listen_address" => "127.0.0.1:7001",
        "fedsharp.model" => "mlp-2nn",
        "fedsharp.sampling_target" => "4",
        "simulation.partition" => "dirichlet",
        "simulation.report_dir" => Path.Combine(_directory.Path, "report"),
        _ when row.Type == "string" => "probe",
        _ when row.Type.StartsWith("int", StringComparison.Ordinal) => (long.Parse(row.Default, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture),
        _ when row.Type == "float" => NumberProbe(row.Key, double.Parse(row.Default, CultureInfo.InvariantCulture)),
        _ => throw new InvalidOperationException($"'{row.Key}' has type '{row.Type}', for which this test has no probe value; add one."),
    };

    // The first of a few nearby values that the loader accepts (ranges differ: (0, 1], [0.5, 1], > 0 …).
    private string NumberProbe(string key, double value)
    {
        foreach (double candidate in new[] { value * 0.5, value * 1.5, value + 0.5, 0.75 })
        {
            string text = candidate.ToString("R", CultureInfo.InvariantCulture);
            if (candidate != value && TryLoad(With(key, text)))
            {
                return text;
            }
        }

        throw new InvalidOperationException($"No probe value near {value} loads for '{key}'.");
    }

    private bool TryLoad(string[] assignments)
    {
        try
        {
            BaseConfiguration().ApplyOverrides(assignments);
            return true;
        }
        catch (ConfigurationException)
        {
            return false;
        }
    }

    private static IReadOnlyList<string> AllowedValues(Row row) =>
        row.Type == "choice" || OnlyValues().IsMatch(row.Range)
            ? [.. Backticked().Matches(row.Range).Select(m => m.Groups[1].Value)]
            : [];

    private static Dictionary<string, Row> ReadTable() => ReadRows().ToDictionary(r => r.Key, StringComparer.Ordinal);

    private static List<Row> ReadRows()
    {
        var rows = new List<Row>();
        foreach (string line in File.ReadLines(Path.Combine(RepositoryRoot(), "docs", "configuration.md")))
        {
            if (!line.StartsWith("| `", StringComparison.Ordinal))
            {
                continue;
            }

            string[] cells = [.. CellSeparator().Split(line.Trim().Trim('|')).Select(c => c.Trim())];
            Assert.True(cells.Length == 6, $"docs/configuration.md row has {cells.Length} cells, not 6: {line}");
            string key = cells[0].Trim('`');
            string defaultValue = cells[2].Trim('`', '"');
            rows.Add(new Row(key, cells[1], defaultValue, cells[3], cells[4]));
        }

        return rows;
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FedSharp.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No FedSharp.slnx above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex CellSeparator();

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Backticked();

    [GeneratedRegex("^`[^`]+`(, `[^`]+`)*$")]
    private static partial Regex OnlyValues();

    [GeneratedRegex(@"^used except (?<values>`[^(]+`) \(refused: .{10,}\)$")]
    private static partial Regex UsedExcept();

    private sealed record Row(string Key, string Type, string Default, string Range, string Status);
}
