using System.Text.Json;
using FedSharp.Server.Rounds;

namespace FedSharp.Hosting;

/// <summary>
/// The JSON of <c>GET /state</c>: <c>fl_name</c>, <c>status</c>, <c>iteration</c>, <c>phase</c>,
/// <c>model_iteration</c>, <c>clients</c> (registered in this iteration), <c>accepted</c>, <c>updates_accepted</c>
/// (each holds a slot of the threshold; acknowledged once in the running sum), <c>consecutive_failures</c>, the deadlines (ISO 8601, UTC) and <c>last_outcome</c>
/// (<c>iteration</c>, <c>valid</c>, <c>reason</c>, or null before the first iteration ends).
/// </summary>
internal static class StateDocument
{
    public static void Write(Utf8JsonWriter writer, string flName, RoundState state)
    {
        writer.WriteStartObject();
        writer.WriteString("fl_name", flName);
        writer.WriteString("status", state.Status.ToString());
        writer.WriteNumber("iteration", state.Iteration);
        writer.WriteString("phase", state.Phase.ToString());
        writer.WriteNumber("model_iteration", state.ModelIteration);
        writer.WriteNumber("clients", state.RegisteredCount);
        writer.WriteNumber("accepted", state.AcceptedCount);
        writer.WriteNumber("updates_accepted", state.UpdatesAccepted);
        writer.WriteNumber("consecutive_failures", state.ConsecutiveFailures);
        writer.WriteString("start_fl_job_deadline", state.StartFlJobDeadline);
        if (state.UpdateModelDeadline is { } updateDeadline)
        {
            writer.WriteString("update_model_deadline", updateDeadline);
        }
        else
        {
            writer.WriteNull("update_model_deadline");
        }

        writer.WriteString("global_deadline", state.GlobalDeadline);
        if (state.Outcomes.Count > 0)
        {
            IterationOutcome last = state.Outcomes[^1];
            writer.WriteStartObject("last_outcome");
            writer.WriteNumber("iteration", last.Iteration);
            writer.WriteBoolean("valid", last.Valid);
            writer.WriteString("reason", last.Reason);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("last_outcome");
        }

        writer.WriteEndObject();
    }
}
