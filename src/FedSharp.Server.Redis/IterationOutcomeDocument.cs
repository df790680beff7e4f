using System.Text.Json.Serialization;

namespace FedSharp.Server.Redis;

/// <summary>The JSON form of one <see cref="Rounds.IterationOutcome"/> inside <see cref="RoundStateDocument"/>.</summary>
internal sealed record IterationOutcomeDocument
{
    [JsonPropertyName("iteration")]
    public required int Iteration { get; init; }

    [JsonPropertyName("valid")]
    public required bool Valid { get; init; }

    [JsonPropertyName("reason")]
    public required string Reason { get; init; }

    [JsonPropertyName("opened_at")]
    public required DateTimeOffset OpenedAt { get; init; }

    [JsonPropertyName("closed_at")]
    public required DateTimeOffset ClosedAt { get; init; }

    [JsonPropertyName("participants")]
    public required int Participants { get; init; }
}
