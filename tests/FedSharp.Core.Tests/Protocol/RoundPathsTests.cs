using FedSharp.Core.Protocol;

namespace FedSharp.Core.Tests.Protocol;

public class RoundPathsTests
{
    [Theory]
    [InlineData("", "/startFLJob")]
    [InlineData("fl", "/fl/startFLJob")]
    [InlineData("/fl", "/fl/startFLJob")]
    [InlineData("/fl/", "/fl/startFLJob")]
    [InlineData("api/v1", "/api/v1/startFLJob")]
    public void For_Prefix_JoinsWithExactlyOneSlash(string prefix, string expected)
    {
        string path = RoundPaths.For(prefix, RoundPaths.StartFLJob);

        Assert.Equal(expected, path);
    }

    [Fact]
    public void All_EveryRound_HasARequestAndResponseMessage()
    {
        var messageNames = new[] { CommonReflection.Descriptor, FlJobReflection.Descriptor, SecureAggregationReflection.Descriptor, HybridReflection.Descriptor }
            .SelectMany(f => f.MessageTypes)
            .Select(m => m.Name)
            .ToHashSet(StringComparer.Ordinal);

        Assert.Equal(15, RoundPaths.All.Distinct(StringComparer.Ordinal).Count());
        Assert.All(RoundPaths.All, round =>
        {
            string type = char.ToUpperInvariant(round[0]) + round[1..];
            Assert.Contains(type + "Request", messageNames);
            Assert.Contains(type + "Response", messageNames);
        });
    }
}
