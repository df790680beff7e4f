namespace FedSharp.Server.Rounds;

/// <summary>
/// Add the accepted update of <paramref name="ClientId"/> to the running sum, then acknowledge it; once the update store
/// holds as many updates as the threshold, aggregate the iteration (outside the request).
/// </summary>
/// <param name="ClientId">The client whose update was accepted.</param>
/// <param name="Iteration">The iteration it belongs to.</param>
/// <param name="DataSize">The weight to fold in: the data size declared at startFLJob.</param>
/// <param name="RegisteredAt">When the client joined the iteration; its participation time ends now.</param>
public sealed record AccumulateUpdate(string ClientId, int Iteration, int DataSize, DateTimeOffset RegisteredAt) : RoundEffect;
