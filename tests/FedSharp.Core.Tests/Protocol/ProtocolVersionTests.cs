using FedSharp.Core.Protocol;

namespace FedSharp.Core.Tests.Protocol;

public class ProtocolVersionTests
{
    [Fact]
    public void IsSupported_CurrentVersion_Accepts()
    {
        bool ok = ProtocolVersion.IsSupported(ProtocolVersion.Current, out string? reason);

        Assert.True(ok);
        Assert.Null(reason);
    }

    [Fact]
    public void IsSupported_UnsetVersion_AsksClientToSetIt()
    {
        bool ok = ProtocolVersion.IsSupported(0, out string? reason);

        Assert.False(ok);
        Assert.Contains("no protocol_version", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void IsSupported_NewerVersion_NamesBothVersions()
    {
        bool ok = ProtocolVersion.IsSupported(ProtocolVersion.Current + 1, out string? reason);

        Assert.False(ok);
        Assert.Contains($"Protocol version {ProtocolVersion.Current + 1} is newer", reason, StringComparison.Ordinal);
    }
}
