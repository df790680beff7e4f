namespace FedSharp.Server.Rounds;

/// <summary>
/// Thresholds and time windows of the round engine. Names and meaning follow MindSpore Federated's <c>round</c>
/// section (<c>start_fl_job_threshold</c>, <c>start_fl_job_time_window</c>, ...); times are <see cref="TimeSpan"/>s
/// resolved to the millisecond rather than MindSpore's whole seconds.
/// </summary>
/// <remarks>
/// Every window opens when its phase opens, not when the first client arrives: the startFLJob and global windows
/// open with the iteration, so an iteration that nobody joins still ends (MindSpore waits forever); the updateModel
/// window opens when the startFLJob round closes (threshold reached, or the random draw made).
/// </remarks>
public sealed class RoundOptions
{
    /// <summary>
    /// Number of clients an iteration needs (MindSpore's <c>start_fl_job_threshold</c>, T_start). Range 1 to
    /// <see cref="int.MaxValue"/>; default 2.
    /// </summary>
    public int StartFlJobThreshold { get; set; } = 2;

    /// <summary>
    /// How long the startFLJob round stays open after the iteration opens (<c>start_fl_job_time_window</c>). When it
    /// closes below the threshold the iteration fails. Range 1 ms to 30 days; default 300 000 ms.
    /// </summary>
    public TimeSpan StartFlJobTimeWindow { get; set; } = TimeSpan.FromMilliseconds(300_000);

    /// <summary>
    /// Fraction of the startFLJob threshold whose updates trigger aggregation (<c>update_model_ratio</c>): the
    /// updateModel threshold is ceil(<see cref="StartFlJobThreshold"/> × ratio). Range (0, 1]; default 1.0.
    /// </summary>
    public double UpdateModelRatio { get; set; } = 1.0;

    /// <summary>
    /// How long the updateModel round stays open after the startFLJob round closes
    /// (<c>update_model_time_window</c>). When it closes below the updateModel threshold the iteration fails.
    /// Range 1 ms to 30 days; default 300 000 ms.
    /// </summary>
    public TimeSpan UpdateModelTimeWindow { get; set; } = TimeSpan.FromMilliseconds(300_000);

    /// <summary>
    /// Upper bound on a whole iteration, from its opening (<c>global_iteration_time_window</c>). Range 1 ms to
    /// 30 days; default 3 600 000 ms.
    /// </summary>
    public TimeSpan GlobalIterationTimeWindow { get; set; } = TimeSpan.FromMilliseconds(3_600_000);

    /// <summary>
    /// Number of iterations (attempts, valid or not) before the instance is finished (<c>fl_iteration_num</c>).
    /// After that only getModel and getResult are served. Range 1 to <see cref="int.MaxValue"/>; default 20.
    /// </summary>
    public int FlIterationNum { get; set; } = 20;

    /// <summary>How participants are chosen. Default <see cref="ClientSampling.FirstCome"/>.</summary>
    public ClientSampling ClientSampling { get; set; } = ClientSampling.FirstCome;

    /// <summary>
    /// Seed of the draw when <see cref="ClientSampling"/> is <see cref="ClientSampling.Random"/>; the same seed and
    /// the same candidates give the same participants on every server and every run. Any value; default 0.
    /// </summary>
    public int SamplingSeed { get; set; }

    /// <summary>
    /// With <see cref="ClientSampling.Random"/>, the draw happens as soon as this many candidates have asked, instead
    /// of at the startFLJob deadline: over-selection (a target above <see cref="StartFlJobThreshold"/> gives the draw
    /// a choice) without waiting out the window. Candidates are then told to ask again after <see cref="RetryInterval"/>.
    /// 0 (default) draws at the deadline only; otherwise at least <see cref="StartFlJobThreshold"/>, and only with random sampling.
    /// </summary>
    public int SamplingTarget { get; set; }

    /// <summary>
    /// How long a client told NotReady (or told to retry while the server aggregates) should wait before asking
    /// again. Range 1 ms to 1 hour; default 1 000 ms.
    /// </summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromMilliseconds(1_000);

    /// <summary>Number of newest checkpoints kept on disk; older ones are deleted. Range 1 to 1000; default 3.</summary>
    public int CheckpointKeepCount { get; set; } = 3;

    /// <summary>
    /// Consecutive failed iterations that raise a failure event (<c>summary.continuous_failure_times</c>). Range 1
    /// to <see cref="int.MaxValue"/>; default 10.
    /// </summary>
    public int ContinuousFailureTimes { get; set; } = 10;

    /// <summary>
    /// The two bounds of the participation-time buckets (<c>summary.participation_time_level</c>, MindSpore's
    /// <c>participationTimeLevel1..3</c>): an accepted update counts in level 1 when it came less than this long after
    /// its client's startFLJob. Whole minutes in (0, 2880], below <see cref="ParticipationTimeLevel2"/>; default 5 min.
    /// </summary>
    public TimeSpan ParticipationTimeLevel1 { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The upper bound of participation-time level 2; above <see cref="ParticipationTimeLevel1"/>, at most 2880 minutes; default 15 min.</summary>
    public TimeSpan ParticipationTimeLevel2 { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The updateModel threshold T_update = ceil(T_start × <see cref="UpdateModelRatio"/>), at least 1.</summary>
    public int UpdateModelThreshold => Math.Max(1, (int)Math.Ceiling(StartFlJobThreshold * UpdateModelRatio));

    /// <summary>Every broken rule, one message each naming the option, its value and the valid range; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        TimeSpan maxWindow = TimeSpan.FromDays(30);
        if (StartFlJobThreshold < 1)
        {
            problems.Add($"{nameof(StartFlJobThreshold)} is {StartFlJobThreshold}; it must be between 1 and {int.MaxValue}.");
        }

        CheckWindow(problems, nameof(StartFlJobTimeWindow), StartFlJobTimeWindow, maxWindow);
        if (!(UpdateModelRatio > 0 && UpdateModelRatio <= 1))
        {
            problems.Add($"{nameof(UpdateModelRatio)} is {UpdateModelRatio}; it must be in (0, 1].");
        }

        CheckWindow(problems, nameof(UpdateModelTimeWindow), UpdateModelTimeWindow, maxWindow);
        CheckWindow(problems, nameof(GlobalIterationTimeWindow), GlobalIterationTimeWindow, maxWindow);
        if (FlIterationNum < 1)
        {
            problems.Add($"{nameof(FlIterationNum)} is {FlIterationNum}; it must be between 1 and {int.MaxValue}.");
        }

        if (!Enum.IsDefined(ClientSampling))
        {
            problems.Add($"{nameof(ClientSampling)} is {(int)ClientSampling}; it must be {nameof(Rounds.ClientSampling.FirstCome)} or {nameof(Rounds.ClientSampling.Random)}.");
        }

        if (SamplingTarget != 0 && (ClientSampling != ClientSampling.Random || SamplingTarget < StartFlJobThreshold))
        {
            problems.Add($"{nameof(SamplingTarget)} is {SamplingTarget}; it must be 0, or at least {nameof(StartFlJobThreshold)} ({StartFlJobThreshold}) with {nameof(ClientSampling)} {nameof(Rounds.ClientSampling.Random)}.");
        }

        CheckWindow(problems, nameof(RetryInterval), RetryInterval, TimeSpan.FromHours(1));
        if (CheckpointKeepCount is < 1 or > 1000)
        {
            problems.Add($"{nameof(CheckpointKeepCount)} is {CheckpointKeepCount}; it must be between 1 and 1000.");
        }

        if (ContinuousFailureTimes < 1)
        {
            problems.Add($"{nameof(ContinuousFailureTimes)} is {ContinuousFailureTimes}; it must be between 1 and {int.MaxValue}.");
        }

        if (ParticipationTimeLevel1 <= TimeSpan.Zero || ParticipationTimeLevel2 <= ParticipationTimeLevel1 || ParticipationTimeLevel2 > TimeSpan.FromMinutes(2880))
        {
            problems.Add($"{nameof(ParticipationTimeLevel1)} and {nameof(ParticipationTimeLevel2)} are {ParticipationTimeLevel1} and {ParticipationTimeLevel2}; they must satisfy 0 < level 1 < level 2 ≤ 2880 minutes.");
        }

        return problems;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem <see cref="Validate"/> finds.</summary>
    public void ThrowIfInvalid()
    {
        IReadOnlyList<string> problems = Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Round options are invalid; fix the configuration: " + string.Join(" ", problems));
        }
    }

    private static void CheckWindow(List<string> problems, string name, TimeSpan value, TimeSpan max)
    {
        if (value < TimeSpan.FromMilliseconds(1) || value > max)
        {
            problems.Add($"{name} is {value.TotalMilliseconds} ms; it must be between 1 ms and {max.TotalMilliseconds} ms.");
        }
    }
}
