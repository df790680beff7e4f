using FedSharp.Server.Rounds;

namespace FedSharp.Server.Tests.Rounds;

public sealed class RoundOptionsTests
{
    [Fact]
    public void Validate_Defaults_NoProblems()
    {
        var options = new RoundOptions();

        Assert.Empty(options.Validate());
    }

    [Theory]
    [InlineData(10, 1.0, 10)]
    [InlineData(10, 0.25, 3)]
    [InlineData(3, 0.01, 1)]
    [InlineData(7, 0.5, 4)]
    public void UpdateModelThreshold_RatioOfStartThreshold_RoundsUp(int startThreshold, double ratio, int expected)
    {
        var options = new RoundOptions { StartFlJobThreshold = startThreshold, UpdateModelRatio = ratio };

        Assert.Equal(expected, options.UpdateModelThreshold);
    }

    [Fact]
    public void Validate_EveryOptionOutOfRange_OneMessagePerOptionNamingRange()
    {
        var options = new RoundOptions
        {
            StartFlJobThreshold = -1,
            StartFlJobTimeWindow = TimeSpan.FromDays(31),
            UpdateModelRatio = 0,
            UpdateModelTimeWindow = TimeSpan.FromMilliseconds(-5),
            GlobalIterationTimeWindow = TimeSpan.Zero,
            FlIterationNum = 0,
            ClientSampling = (ClientSampling)9,
            RetryInterval = TimeSpan.FromHours(2),
            CheckpointKeepCount = 0,
            ContinuousFailureTimes = 0,
        };

        IReadOnlyList<string> problems = options.Validate();

        Assert.Equal(10, problems.Count);
        Assert.Contains("StartFlJobTimeWindow is 2678400000 ms; it must be between 1 ms and 2592000000 ms.", problems);
        Assert.Contains("CheckpointKeepCount is 0; it must be between 1 and 1000.", problems);
        Assert.Contains(problems, p => p.StartsWith("ClientSampling is 9", StringComparison.Ordinal));
    }
}
