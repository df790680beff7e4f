namespace FedSharp.Server.Redis.Tests;

public sealed class RedisUpdateStoreOptionsTests
{
    [Fact]
    public void Validate_ServerIdGiven_NoProblems()
    {
        Assert.Empty(new RedisUpdateStoreOptions { ServerId = "host-a:8080" }.Validate());
    }

    [Theory]
    [InlineData("")]
    [InlineData("host a")]
    [InlineData("tab\there")]
    public void Validate_ServerIdMissingOrWithSpaces_NamesTheOption(string serverId)
    {
        string problem = Assert.Single(new RedisUpdateStoreOptions { ServerId = serverId }.Validate());

        Assert.Contains("ServerId", problem, StringComparison.Ordinal);
        Assert.Contains("its own id", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ServerIdTooLong_Refused()
    {
        Assert.Single(new RedisUpdateStoreOptions { ServerId = new string('s', RedisUpdateStoreOptions.MaxServerIdLength + 1) }.Validate());
    }

    [Fact]
    public void Validate_OutOfRange_EveryProblemNamed()
    {
        var options = new RedisUpdateStoreOptions
        {
            ServerId = "a",
            GroupCommitWindow = TimeSpan.FromSeconds(2),
            GroupCommitMaxUpdates = 0,
            GroupCommitMaxBytes = 10,
        };

        IReadOnlyList<string> problems = options.Validate();

        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("GroupCommitWindow is 2000 ms", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("GroupCommitMaxUpdates is 0", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("GroupCommitMaxBytes is 10", StringComparison.Ordinal));
    }
}
