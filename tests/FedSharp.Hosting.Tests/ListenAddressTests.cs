using System.Net;

namespace FedSharp.Hosting.Tests;

public sealed class ListenAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:6666", "127.0.0.1", 6666)]
    [InlineData("localhost:0", "127.0.0.1", 0)]
    [InlineData("*:8080", "0.0.0.0", 8080)]
    [InlineData("[::1]:443", "::1", 443)]
    [InlineData("0.0.0.0:65535", "0.0.0.0", 65535)]
    public void TryParse_ValidText_AddressAndPort(string text, string expectedAddress, int expectedPort)
    {
        bool parsed = ListenAddress.TryParse(text, out ListenAddress? address, out string? problem);

        Assert.True(parsed, problem);
        Assert.Equal(IPAddress.Parse(expectedAddress), address!.Address);
        Assert.Equal(expectedPort, address.Port);
    }

    [Theory]
    [InlineData("6666")]
    [InlineData("127.0.0.1:")]
    [InlineData("127.0.0.1:65536")]
    [InlineData("127.0.0.1:-1")]
    [InlineData("::1:80")]
    [InlineData("example.org:80")]
    [InlineData(null)]
    public void TryParse_InvalidText_ProblemNamesTheText(string? text)
    {
        bool parsed = ListenAddress.TryParse(text, out ListenAddress? address, out string? problem);

        Assert.False(parsed);
        Assert.Null(address);
        Assert.Contains($"'{text}'", problem, StringComparison.Ordinal);
    }
}
