namespace FedSharp.Core.Configuration;

/// <summary>The <c>unsupervised</c> section: federated clustering evaluation.</summary>
public sealed class UnsupervisedSection
{
    /// <summary><c>unsupervised.cluster_client_num</c>: newest client outputs scored per iteration, ≥ 0 (≥ 1 when evaluating). Default 0.</summary>
    public int ClusterClientNum { get; set; }

    /// <summary><c>unsupervised.eval_type</c>: the score. Default NOT_EVAL.</summary>
    public UnsupervisedEvalType EvalType { get; set; } = UnsupervisedEvalType.NotEval;
}
