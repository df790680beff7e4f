using FedSharp.Core.Configuration;

namespace FedSharp.Server.Rounds;

/// <summary>Reads the round engine's <see cref="RoundOptions"/> from a job's configuration.</summary>
public static class RoundOptionsMapping
{
    /// <summary>
    /// Thresholds and windows from <c>round</c>, <c>fl_iteration_num</c>, sampling from <c>fedsharp.client_sampling</c>
    /// seeded with <c>fedsharp.seed</c> and drawn at <c>fedsharp.sampling_target</c> candidates, <c>fedsharp.checkpoint_keep_count</c> and
    /// <c>summary.continuous_failure_times</c>; <see cref="RoundOptions.RetryInterval"/> keeps its default.
    /// </summary>
    /// <param name="configuration">A validated job configuration.</param>
    /// <returns>New options; the caller may change them before building the coordinator.</returns>
    public static RoundOptions FromConfiguration(JobConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new RoundOptions
        {
            StartFlJobThreshold = configuration.Round.StartFlJobThreshold,
            StartFlJobTimeWindow = configuration.Round.StartFlJobTimeWindow,
            UpdateModelRatio = configuration.Round.UpdateModelRatio,
            UpdateModelTimeWindow = configuration.Round.UpdateModelTimeWindow,
            GlobalIterationTimeWindow = configuration.Round.GlobalIterationTimeWindow,
            FlIterationNum = configuration.FlIterationNum,
            ClientSampling = configuration.FedSharp.ClientSampling switch
            {
                ClientSamplingMode.FirstCome => ClientSampling.FirstCome,
                ClientSamplingMode.Random => ClientSampling.Random,
                ClientSamplingMode other => throw new ArgumentException(
                    $"fedsharp.client_sampling has no round-engine equivalent for value {(int)other}; use first_come or random.", nameof(configuration)),
            },
            SamplingSeed = configuration.FedSharp.Seed,
            SamplingTarget = configuration.FedSharp.SamplingTarget,
            CheckpointKeepCount = configuration.FedSharp.CheckpointKeepCount,
            ContinuousFailureTimes = configuration.Summary.ContinuousFailureTimes,
            ParticipationTimeLevel1 = configuration.Summary.ParticipationTimeLevel1,
            ParticipationTimeLevel2 = configuration.Summary.ParticipationTimeLevel2,
        };
    }
}
