namespace FedSharp.Core.Tests.Configuration;

/// <summary>MindSpore's published cross-device LeNet yaml: the shared reference copy, or the test asset copy.</summary>
internal static class LeNetExample
{
    private const string FileName = "mindspore-lenet-example.yaml";

    public static string AssetPath => Path.Combine(AppContext.BaseDirectory, "Assets", FileName);

    /// <summary>The file beside the design brief (../shared/reference from the repository root), when present.</summary>
    public static string? SharedReferencePath()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FedSharp.slnx")))
            {
                string candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "reference", FileName));
                return File.Exists(candidate) ? candidate : null;
            }
        }

        return null;
    }
}
