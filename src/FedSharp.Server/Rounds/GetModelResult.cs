using FedSharp.Server.Stores;

namespace FedSharp.Server.Rounds;

/// <summary>The answer to getModel: the reply and, when it succeeded, the newest global model.</summary>
/// <param name="Reply">Retcode, reason, iteration and next request time.</param>
/// <param name="Model">The newest published model; null unless the reply is Succeed.</param>
public sealed record GetModelResult(RoundReply Reply, PublishedModel? Model);
