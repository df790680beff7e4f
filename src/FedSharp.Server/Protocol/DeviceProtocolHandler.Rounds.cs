using System.Collections.Frozen;
using FedSharp.Core.Protocol;
using Google.Protobuf;

namespace FedSharp.Server.Protocol;

public sealed partial class DeviceProtocolHandler
{
    // Every round of the schema with its request parser and a bare reply (retcode and reason only), used for the
    // rounds this release does not serve and for SYSTEM_ERROR replies of any round.
    private static readonly FrozenDictionary<string, RoundMessages> s_rounds = new Dictionary<string, RoundMessages>(StringComparer.Ordinal)
    {
        [RoundPaths.StartFLJob] = new(StartFLJobRequest.Parser, nameof(StartFLJobRequest), static (code, reason) => new StartFLJobResponse { Retcode = code, Reason = reason }),
        [RoundPaths.UpdateModel] = new(UpdateModelRequest.Parser, nameof(UpdateModelRequest), static (code, reason) => new UpdateModelResponse { Retcode = code, Reason = reason }),
        [RoundPaths.GetResult] = new(GetResultRequest.Parser, nameof(GetResultRequest), static (code, reason) => new GetResultResponse { Retcode = code, Reason = reason }),
        [RoundPaths.GetModel] = new(GetModelRequest.Parser, nameof(GetModelRequest), static (code, reason) => new GetModelResponse { Retcode = code, Reason = reason }),
        [RoundPaths.ExchangeKeys] = new(ExchangeKeysRequest.Parser, nameof(ExchangeKeysRequest), static (code, reason) => new ExchangeKeysResponse { Retcode = code, Reason = reason }),
        [RoundPaths.GetKeys] = new(GetKeysRequest.Parser, nameof(GetKeysRequest), static (code, reason) => new GetKeysResponse { Retcode = code, Reason = reason }),
        [RoundPaths.ShareSecrets] = new(ShareSecretsRequest.Parser, nameof(ShareSecretsRequest), static (code, reason) => new ShareSecretsResponse { Retcode = code, Reason = reason }),
        [RoundPaths.GetSecrets] = new(GetSecretsRequest.Parser, nameof(GetSecretsRequest), static (code, reason) => new GetSecretsResponse { Retcode = code, Reason = reason }),
        [RoundPaths.GetClientList] = new(GetClientListRequest.Parser, nameof(GetClientListRequest), static (code, reason) => new GetClientListResponse { Retcode = code, Reason = reason }),
        [RoundPaths.PushListSign] = new(PushListSignRequest.Parser, nameof(PushListSignRequest), static (code, reason) => new PushListSignResponse { Retcode = code, Reason = reason }),
        [RoundPaths.GetListSign] = new(GetListSignRequest.Parser, nameof(GetListSignRequest), static (code, reason) => new GetListSignResponse { Retcode = code, Reason = reason }),
        [RoundPaths.ReconstructSecrets] = new(ReconstructSecretsRequest.Parser, nameof(ReconstructSecretsRequest), static (code, reason) => new ReconstructSecretsResponse { Retcode = code, Reason = reason }),
        [RoundPaths.PullWeight] = new(PullWeightRequest.Parser, nameof(PullWeightRequest), static (code, reason) => new PullWeightResponse { Retcode = code, Reason = reason }),
        [RoundPaths.PushWeight] = new(PushWeightRequest.Parser, nameof(PushWeightRequest), static (code, reason) => new PushWeightResponse { Retcode = code, Reason = reason }),
        [RoundPaths.PushMetrics] = new(PushMetricsRequest.Parser, nameof(PushMetricsRequest), static (code, reason) => new PushMetricsResponse { Retcode = code, Reason = reason }),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private sealed record RoundMessages(MessageParser RequestParser, string RequestName, Func<Retcode, string, IMessage> Reply);
}
