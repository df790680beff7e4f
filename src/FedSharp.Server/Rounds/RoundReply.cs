namespace FedSharp.Server.Rounds;

/// <summary>The answer to one client request: a retcode, a readable reason naming the client and iteration, and when to come back.</summary>
/// <param name="Code">Outcome class.</param>
/// <param name="Reason">Readable explanation naming the client id and the iteration.</param>
/// <param name="Iteration">The server's current iteration when it answered.</param>
/// <param name="NextRequestTime">For NotReady and OutOfTime: when to ask again (MindSpore's <c>next_req_time</c>).</param>
/// <param name="Outcome">For a getResult about an ended iteration: whether it was valid and why.</param>
public sealed record RoundReply(RoundRetcode Code, string Reason, int Iteration, DateTimeOffset? NextRequestTime = null, IterationOutcome? Outcome = null)
{
    /// <summary>A <see cref="RoundRetcode.Succeed"/> reply.</summary>
    public static RoundReply Succeed(string reason, int iteration, IterationOutcome? outcome = null) => new(RoundRetcode.Succeed, reason, iteration, null, outcome);

    /// <summary>A <see cref="RoundRetcode.NotReady"/> reply asking the client to come back at <paramref name="nextRequestTime"/>.</summary>
    public static RoundReply NotReady(string reason, int iteration, DateTimeOffset nextRequestTime) => new(RoundRetcode.NotReady, reason, iteration, nextRequestTime);

    /// <summary>An <see cref="RoundRetcode.OutOfTime"/> reply asking the client to restart at <paramref name="nextRequestTime"/>.</summary>
    public static RoundReply OutOfTime(string reason, int iteration, DateTimeOffset nextRequestTime) => new(RoundRetcode.OutOfTime, reason, iteration, nextRequestTime);

    /// <summary>A <see cref="RoundRetcode.RequestError"/> reply.</summary>
    public static RoundReply RequestError(string reason, int iteration) => new(RoundRetcode.RequestError, reason, iteration);

    /// <summary>A <see cref="RoundRetcode.SystemError"/> reply.</summary>
    public static RoundReply SystemError(string reason, int iteration) => new(RoundRetcode.SystemError, reason, iteration);
}
