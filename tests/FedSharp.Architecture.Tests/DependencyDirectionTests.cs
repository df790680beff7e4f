using System.Xml.Linq;

namespace FedSharp.Architecture.Tests;

/// <summary>
/// Every arrow points inward (docs/architecture.md): the SDK-facing libraries must stay free of ASP.NET Core and
/// Redis so that the client can later run on MAUI and Unity, and the engine must know nothing of FL.
/// </summary>
public sealed class DependencyDirectionTests
{
    // Which FedSharp projects each project may reference, and which packages or frameworks it must never touch.
    private static readonly Dictionary<string, (string[] AllowedProjects, string[] ForbiddenPackagePrefixes)> s_rules = new()
    {
        ["FedSharp.Learning"] = ([], ["Microsoft.AspNetCore", "StackExchange.Redis", "Google.Protobuf", "YamlDotNet", "System.CommandLine", "Spectre."]),
        ["FedSharp.Core"] = ([], ["Microsoft.AspNetCore", "StackExchange.Redis", "System.CommandLine", "Spectre."]),
        ["FedSharp.Privacy"] = (["FedSharp.Core"], ["Microsoft.AspNetCore", "StackExchange.Redis", "System.CommandLine", "Spectre."]),
        ["FedSharp.Server"] = (["FedSharp.Core", "FedSharp.Privacy"], ["Microsoft.AspNetCore", "StackExchange.Redis", "System.CommandLine", "Spectre."]),
        ["FedSharp.Server.Redis"] = (["FedSharp.Core", "FedSharp.Server"], ["Microsoft.AspNetCore", "System.CommandLine", "Spectre."]),
        ["FedSharp.Client"] = (["FedSharp.Core", "FedSharp.Privacy", "FedSharp.Learning"], ["Microsoft.AspNetCore", "StackExchange.Redis", "System.CommandLine", "Spectre."]),
        ["FedSharp.Simulation"] = (["FedSharp.Core", "FedSharp.Privacy", "FedSharp.Learning", "FedSharp.Client", "FedSharp.Server"], ["Microsoft.AspNetCore", "StackExchange.Redis", "System.CommandLine", "Spectre."]),
    };

    public static TheoryData<string> SourceProjects()
    {
        var data = new TheoryData<string>();
        foreach (string path in Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "src"), "*.csproj", SearchOption.AllDirectories).Order())
        {
            data.Add(Path.GetFileNameWithoutExtension(path));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SourceProjects))]
    public void Project_References_PointInward(string project)
    {
        XDocument csproj = XDocument.Load(Path.Combine(RepositoryRoot(), "src", project, project + ".csproj"));

        Assert.Empty(Violations(project, csproj));
    }

    [Fact]
    public void Violations_LearningReferencingAspNetCoreAndServer_AreReported()
    {
        var csproj = XDocument.Parse("""
            <Project Sdk="Microsoft.NET.Sdk">
              <ItemGroup>
                <FrameworkReference Include="Microsoft.AspNetCore.App" />
                <ProjectReference Include="..\FedSharp.Server\FedSharp.Server.csproj" />
                <PackageReference Include="StackExchange.Redis" />
              </ItemGroup>
            </Project>
            """);

        List<string> violations = Violations("FedSharp.Learning", csproj);

        Assert.Equal(3, violations.Count);
        Assert.Contains(violations, v => v.Contains("FedSharp.Server", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("Microsoft.AspNetCore.App", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("StackExchange.Redis", StringComparison.Ordinal));
    }

    [Fact]
    public void Violations_UnknownProject_AskForARule()
    {
        var csproj = XDocument.Parse("<Project Sdk=\"Microsoft.NET.Sdk\" />");

        Assert.Single(Violations("FedSharp.Unlisted", csproj));
    }

    private static List<string> Violations(string project, XDocument csproj)
    {
        var violations = new List<string>();
        if (!s_rules.TryGetValue(project, out var rule))
        {
            // Hosting and the CLI are the outer ring: they may reference anything, but nothing may reference them.
            if (project is not ("FedSharp.Hosting" or "FedSharp.Cli"))
            {
                violations.Add($"Project {project} has no dependency rule; add one to {nameof(DependencyDirectionTests)} and docs/architecture.md.");
            }

            return violations;
        }

        foreach (XElement reference in csproj.Descendants("ProjectReference"))
        {
            string name = Path.GetFileNameWithoutExtension(reference.Attribute("Include")!.Value.Replace('\\', '/'));
            if (!rule.AllowedProjects.Contains(name))
            {
                violations.Add($"{project} references {name}, which points outward; allowed: [{string.Join(", ", rule.AllowedProjects)}].");
            }
        }

        foreach (XElement reference in csproj.Descendants().Where(e => e.Name.LocalName is "PackageReference" or "FrameworkReference"))
        {
            string package = reference.Attribute("Include")!.Value;
            string? forbidden = rule.ForbiddenPackagePrefixes.FirstOrDefault(p => package.StartsWith(p, StringComparison.Ordinal));
            if (forbidden is not null)
            {
                violations.Add($"{project} references {package}; {project} must not depend on {forbidden}.");
            }
        }

        string sdk = csproj.Root!.Attribute("Sdk")?.Value ?? "";
        if (sdk.Contains("Web", StringComparison.Ordinal) && rule.ForbiddenPackagePrefixes.Contains("Microsoft.AspNetCore"))
        {
            violations.Add($"{project} uses the Web SDK, which brings ASP.NET Core.");
        }

        return violations;
    }

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FedSharp.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException($"No FedSharp.slnx above {AppContext.BaseDirectory}; run the tests from inside the repository.");
    }
}
