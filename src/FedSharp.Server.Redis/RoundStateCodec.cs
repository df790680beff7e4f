using System.Buffers.Binary;
using System.Text.Json;
using FedSharp.Server.Rounds;

namespace FedSharp.Server.Redis;

/// <summary>
/// How <see cref="RedisRoundStore"/> writes the round state and the registrations. The state is JSON
/// (<see cref="RoundStateDocument"/>, a few hundred bytes plus the kept outcomes). A registration is packed into 18
/// bytes, so the registrations hash stays small however many clients join:
/// <code>
/// u8 format (1) | i32 iteration | i32 data size | i64 registered at (UTC ticks) | u8 status (ParticipationStatus)
/// </code>
/// all little-endian; the client id is the hash field. Readers refuse any other format byte or length.
/// </summary>
internal static class RoundStateCodec
{
    public const byte RegistrationFormat = 1;
    public const int RegistrationLength = 18;

    public static byte[] EncodeState(RoundState state)
    {
        var document = new RoundStateDocument
        {
            Format = RoundStateDocument.CurrentFormat,
            Iteration = state.Iteration,
            Status = state.Status,
            Phase = state.Phase,
            OpenedAt = state.OpenedAt,
            StartFlJobDeadline = state.StartFlJobDeadline,
            UpdateModelDeadline = state.UpdateModelDeadline,
            GlobalDeadline = state.GlobalDeadline,
            RegisteredCount = state.RegisteredCount,
            AcceptedCount = state.AcceptedCount,
            UpdatesAccepted = state.UpdatesAccepted,
            ModelIteration = state.ModelIteration,
            ConsecutiveFailures = state.ConsecutiveFailures,
            Outcomes = [.. state.Outcomes.Select(o => new IterationOutcomeDocument
            {
                Iteration = o.Iteration,
                Valid = o.Valid,
                Reason = o.Reason,
                OpenedAt = o.OpenedAt,
                ClosedAt = o.ClosedAt,
                Participants = o.Participants,
            })],
        };
        return JsonSerializer.SerializeToUtf8Bytes(document, RedisJsonContext.Default.RoundStateDocument);
    }

    /// <summary>Parses the JSON of a state saved as <paramref name="version"/>; null with the fault when it is not one.</summary>
    public static RoundState? TryDecodeState(ReadOnlySpan<byte> json, long version, out string fault)
    {
        RoundStateDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, RedisJsonContext.Default.RoundStateDocument);
        }
        catch (JsonException ex)
        {
            fault = $"its JSON is malformed ({ex.Message})";
            return null;
        }

        if (document is null)
        {
            fault = "it holds JSON null instead of a state";
            return null;
        }

        if (document.Format != RoundStateDocument.CurrentFormat)
        {
            fault = $"it is in format {document.Format} but this build reads format {RoundStateDocument.CurrentFormat}";
            return null;
        }

        if (!Enum.IsDefined(document.Status) || !Enum.IsDefined(document.Phase))
        {
            fault = $"its status {document.Status} or phase {document.Phase} is unknown";
            return null;
        }

        fault = string.Empty;
        return new RoundState
        {
            Version = version,
            Iteration = document.Iteration,
            Status = document.Status,
            Phase = document.Phase,
            OpenedAt = document.OpenedAt,
            StartFlJobDeadline = document.StartFlJobDeadline,
            UpdateModelDeadline = document.UpdateModelDeadline,
            GlobalDeadline = document.GlobalDeadline,
            RegisteredCount = document.RegisteredCount,
            AcceptedCount = document.AcceptedCount,
            UpdatesAccepted = document.UpdatesAccepted,
            ModelIteration = document.ModelIteration,
            ConsecutiveFailures = document.ConsecutiveFailures,
            Outcomes = [.. document.Outcomes.Select(o => new IterationOutcome(o.Iteration, o.Valid, o.Reason, o.OpenedAt, o.ClosedAt, o.Participants))],
        };
    }

    public static byte[] PackRegistration(ClientRegistration registration)
    {
        byte[] packed = new byte[RegistrationLength];
        packed[0] = RegistrationFormat;
        BinaryPrimitives.WriteInt32LittleEndian(packed.AsSpan(1), registration.Iteration);
        BinaryPrimitives.WriteInt32LittleEndian(packed.AsSpan(5), registration.DataSize);
        BinaryPrimitives.WriteInt64LittleEndian(packed.AsSpan(9), registration.RegisteredAt.UtcTicks);
        packed[17] = (byte)registration.Status;
        return packed;
    }

    /// <summary>Unpacks <paramref name="clientId"/>'s registration; null with the fault when the bytes are not one.</summary>
    public static ClientRegistration? TryUnpackRegistration(string clientId, ReadOnlySpan<byte> packed, out string fault)
    {
        if (packed.Length != RegistrationLength || packed[0] != RegistrationFormat)
        {
            fault = packed.Length == 0
                ? "it is empty"
                : $"it is {packed.Length} bytes starting with format {packed[0]}, not the {RegistrationLength}-byte format {RegistrationFormat}";
            return null;
        }

        long ticks = BinaryPrimitives.ReadInt64LittleEndian(packed[9..]);
        var status = (ParticipationStatus)packed[17];
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks || !Enum.IsDefined(status))
        {
            fault = $"its time ({ticks} ticks) or status ({packed[17]}) is out of range";
            return null;
        }

        fault = string.Empty;
        return new ClientRegistration(
            clientId,
            BinaryPrimitives.ReadInt32LittleEndian(packed[1..]),
            BinaryPrimitives.ReadInt32LittleEndian(packed[5..]),
            new DateTimeOffset(ticks, TimeSpan.Zero),
            status);
    }
}
