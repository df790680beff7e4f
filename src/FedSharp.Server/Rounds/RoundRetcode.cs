namespace FedSharp.Server.Rounds;

/// <summary>Outcome class of a client request; the numbers are MindSpore's <c>ResponseCode</c> values.</summary>
public enum RoundRetcode
{
    /// <summary>Done; proceed.</summary>
    Succeed = 200,

    /// <summary>Not yet; ask again at <see cref="RoundReply.NextRequestTime"/>.</summary>
    NotReady = 201,

    /// <summary>Too late or too early for this iteration; restart from startFLJob at <see cref="RoundReply.NextRequestTime"/>.</summary>
    OutOfTime = 300,

    /// <summary>The request breaks a rule; retrying it unchanged will not help.</summary>
    RequestError = 400,

    /// <summary>The server failed; the reason says what broke.</summary>
    SystemError = 500,
}
