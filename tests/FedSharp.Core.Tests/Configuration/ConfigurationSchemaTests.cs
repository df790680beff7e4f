using FedSharp.Core.Configuration;
using FedSharp.Core.Configuration.Schema;

namespace FedSharp.Core.Tests.Configuration;

public class ConfigurationSchemaTests
{
    private static string RepositoryFile(string relativePath)
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FedSharp.slnx")))
            {
                return Path.Combine(dir.FullName, relativePath);
            }
        }

        throw new InvalidOperationException($"No FedSharp.slnx above {AppContext.BaseDirectory}; run the tests from the repository.");
    }

    [Fact]
    public void Keys_Every_HasARowInTheConfigurationDocs()
    {
        string docs = File.ReadAllText(RepositoryFile(Path.Combine("docs", "configuration.md")));

        IEnumerable<string> undocumented = ConfigurationSchema.Keys
            .Select(k => k.Path)
            .Where(path => !docs.Contains($"| `{path}` |", StringComparison.Ordinal));

        Assert.Empty(undocumented);
    }

    [Fact]
    public void Keys_DefaultConfigurationWithRequiredKeysSet_PassesEveryRangeCheck()
    {
        var config = new JobConfiguration { FlName = "job" };
        config.Round.StartFlJobThreshold = 1;

        IEnumerable<string> failures = ConfigurationSchema.Keys
            .Select(k => k.Check(config))
            .OfType<string>();

        Assert.Empty(failures);
    }

    [Fact]
    public void ChildrenOf_TopLevel_ListsKeysAndSections()
    {
        IReadOnlyList<string> children = ConfigurationSchema.ChildrenOf(string.Empty);

        Assert.Contains("fl_name", children);
        Assert.Contains("round", children);
        Assert.Contains("fedsharp", children);
        Assert.DoesNotContain("round.start_fl_job_threshold", children);
    }
}
