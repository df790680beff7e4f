using FedSharp.Core.Configuration.Schema;

namespace FedSharp.Core.Tests.Configuration;

public class KeySuggestionTests
{
    [Theory]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("", "abc", 3)]
    [InlineData("same", "same", 0)]
    [InlineData("update_model_ration", "update_model_ratio", 1)]
    public void Distance_KnownPairs_IsLevenshteinDistance(string a, string b, int expected)
    {
        Assert.Equal(expected, KeySuggestion.Distance(a, b));
        Assert.Equal(expected, KeySuggestion.Distance(b, a));
    }

    [Fact]
    public void Closest_Typo_ReturnsTheNearestCandidate()
    {
        string? closest = KeySuggestion.Closest("start_fl_job_treshold", ["start_fl_job_threshold", "start_fl_job_time_window", "update_model_ratio"]);

        Assert.Equal("start_fl_job_threshold", closest);
    }

    [Fact]
    public void Closest_UnrelatedName_ReturnsNull()
    {
        string? closest = KeySuggestion.Closest("colour", ["start_fl_job_threshold", "update_model_ratio"]);

        Assert.Null(closest);
    }
}
