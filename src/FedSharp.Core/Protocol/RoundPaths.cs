namespace FedSharp.Core.Protocol;

/// <summary>
/// HTTP routes of the device-cloud protocol: every round is a POST to <c>/&lt;round&gt;</c> (after the optional
/// <c>client.http_url_prefix</c>) with a protobuf body.
/// </summary>
public static class RoundPaths
{
    /// <summary>Content type of every request and reply body.</summary>
    public const string ContentType = "application/x-protobuf";

    /// <summary>Join the job: <see cref="StartFLJobRequest"/> → <see cref="StartFLJobResponse"/>.</summary>
    public const string StartFLJob = "startFLJob";

    /// <summary>Upload an update: <see cref="UpdateModelRequest"/> → <see cref="UpdateModelResponse"/>.</summary>
    public const string UpdateModel = "updateModel";

    /// <summary>Poll for the iteration's outcome: <see cref="GetResultRequest"/> → <see cref="GetResultResponse"/>.</summary>
    public const string GetResult = "getResult";

    /// <summary>Download a global model: <see cref="GetModelRequest"/> → <see cref="GetModelResponse"/>.</summary>
    public const string GetModel = "getModel";

    /// <summary>Secure aggregation: <see cref="ExchangeKeysRequest"/> → <see cref="ExchangeKeysResponse"/>.</summary>
    public const string ExchangeKeys = "exchangeKeys";

    /// <summary>Secure aggregation: <see cref="GetKeysRequest"/> → <see cref="GetKeysResponse"/>.</summary>
    public const string GetKeys = "getKeys";

    /// <summary>Secure aggregation: <see cref="ShareSecretsRequest"/> → <see cref="ShareSecretsResponse"/>.</summary>
    public const string ShareSecrets = "shareSecrets";

    /// <summary>Secure aggregation: <see cref="GetSecretsRequest"/> → <see cref="GetSecretsResponse"/>.</summary>
    public const string GetSecrets = "getSecrets";

    /// <summary>Secure aggregation: <see cref="GetClientListRequest"/> → <see cref="GetClientListResponse"/>.</summary>
    public const string GetClientList = "getClientList";

    /// <summary>Secure aggregation with PKI: <see cref="PushListSignRequest"/> → <see cref="PushListSignResponse"/>.</summary>
    public const string PushListSign = "pushListSign";

    /// <summary>Secure aggregation with PKI: <see cref="GetListSignRequest"/> → <see cref="GetListSignResponse"/>.</summary>
    public const string GetListSign = "getListSign";

    /// <summary>Secure aggregation: <see cref="ReconstructSecretsRequest"/> → <see cref="ReconstructSecretsResponse"/>.</summary>
    public const string ReconstructSecrets = "reconstructSecrets";

    /// <summary>Hybrid worker: <see cref="PullWeightRequest"/> → <see cref="PullWeightResponse"/>.</summary>
    public const string PullWeight = "pullWeight";

    /// <summary>Hybrid worker: <see cref="PushWeightRequest"/> → <see cref="PushWeightResponse"/>.</summary>
    public const string PushWeight = "pushWeight";

    /// <summary>Hybrid worker: <see cref="PushMetricsRequest"/> → <see cref="PushMetricsResponse"/>.</summary>
    public const string PushMetrics = "pushMetrics";

    /// <summary>Every round name, in the order a device meets them.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        StartFLJob, ExchangeKeys, GetKeys, ShareSecrets, GetSecrets, UpdateModel, GetClientList, PushListSign, GetListSign,
        ReconstructSecrets, GetResult, GetModel, PullWeight, PushWeight, PushMetrics,
    ];

    /// <summary>
    /// The route of <paramref name="round"/> under <paramref name="prefix"/>: <c>/startFLJob</c> for an empty prefix,
    /// <c>/fl/startFLJob</c> for <c>fl</c>, <c>/fl/</c> or <c>/fl</c>. Unlike MindSpore, a slash always separates
    /// the prefix from the round.
    /// </summary>
    /// <param name="prefix">The <c>client.http_url_prefix</c> setting.</param>
    /// <param name="round">One of the round names above.</param>
    /// <returns>An absolute path beginning with <c>/</c>.</returns>
    public static string For(string prefix, string round)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentException.ThrowIfNullOrWhiteSpace(round);
        string trimmed = prefix.Trim('/');
        return trimmed.Length == 0 ? "/" + round : $"/{trimmed}/{round}";
    }
}
