using System.Text.Json.Serialization;
using FedSharp.Server.Rounds;

namespace FedSharp.Server.Redis;

/// <summary>
/// The JSON form of <see cref="RoundState"/> in Redis (the <c>state</c> field of the round hash), apart from the domain
/// record so that renaming a property there cannot silently change what is stored. <see cref="Format"/> says which
/// shape this is; the version lives in its own hash field, where the compare-and-set script reads it.
/// </summary>
internal sealed record RoundStateDocument
{
    /// <summary>The shape written by this build.</summary>
    public const int CurrentFormat = 1;

    [JsonPropertyName("format")]
    public required int Format { get; init; }

    [JsonPropertyName("iteration")]
    public required int Iteration { get; init; }

    [JsonPropertyName("status")]
    public required InstanceStatus Status { get; init; }

    [JsonPropertyName("phase")]
    public required RoundPhase Phase { get; init; }

    [JsonPropertyName("opened_at")]
    public required DateTimeOffset OpenedAt { get; init; }

    [JsonPropertyName("start_fl_job_deadline")]
    public required DateTimeOffset StartFlJobDeadline { get; init; }

    [JsonPropertyName("update_model_deadline")]
    public DateTimeOffset? UpdateModelDeadline { get; init; }

    [JsonPropertyName("global_deadline")]
    public required DateTimeOffset GlobalDeadline { get; init; }

    [JsonPropertyName("registered")]
    public int RegisteredCount { get; init; }

    [JsonPropertyName("accepted")]
    public int AcceptedCount { get; init; }

    [JsonPropertyName("updates_accepted")]
    public int UpdatesAccepted { get; init; }

    [JsonPropertyName("model_iteration")]
    public int ModelIteration { get; init; }

    [JsonPropertyName("consecutive_failures")]
    public int ConsecutiveFailures { get; init; }

    [JsonPropertyName("outcomes")]
    public required IReadOnlyList<IterationOutcomeDocument> Outcomes { get; init; }
}
