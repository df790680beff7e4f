namespace FedSharp.Core.Configuration;

/// <summary>The <c>client</c> section: the training plan handed to clients and HTTP routing.</summary>
public sealed class ClientSection
{
    /// <summary><c>client.http_url_prefix</c>: path prefix of every round route, e.g. <c>/fl</c> gives <c>/fl/startFLJob</c>. Default empty.</summary>
    public string HttpUrlPrefix { get; set; } = string.Empty;

    /// <summary><c>client.client_epoch_num</c>: local epochs per iteration (FLPlan.epochs), ≥ 1. Default 25.</summary>
    public int ClientEpochNum { get; set; } = 25;

    /// <summary><c>client.client_batch_size</c>: local mini-batch size (FLPlan.mini_batch), ≥ 1. Default 32.</summary>
    public int ClientBatchSize { get; set; } = 32;

    /// <summary><c>client.client_learning_rate</c>: local learning rate (FLPlan.lr), &gt; 0. Default 0.001.</summary>
    public double ClientLearningRate { get; set; } = 0.001;

    /// <summary>
    /// <c>client.client_momentum</c> (FedSharp extension, FLPlan.momentum): SGD momentum of local training, in [0, 1).
    /// Default 0 (plain SGD, as MindSpore's device client).
    /// </summary>
    public double ClientMomentum { get; set; }

    /// <summary><c>client.client_weight_decay</c> (FedSharp extension, FLPlan.weight_decay): L2 weight decay, ≥ 0. Default 0.</summary>
    public double ClientWeightDecay { get; set; }

    /// <summary><c>client.connection_num</c>: maximum concurrent connections of the server, ≥ 1. Default 10000.</summary>
    public int ConnectionNum { get; set; } = 10_000;
}
