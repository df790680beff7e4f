namespace FedSharp.Core.Configuration;

/// <summary>Cluster-quality score computed over clients' unsupervised evaluation outputs (<c>unsupervised.eval_type</c>).</summary>
public enum UnsupervisedEvalType
{
    /// <summary><c>NOT_EVAL</c>: no unsupervised evaluation.</summary>
    NotEval,

    /// <summary><c>SILHOUETTE_SCORE</c>.</summary>
    SilhouetteScore,

    /// <summary><c>CALINSKI_HARABASZ_SCORE</c>.</summary>
    CalinskiHarabaszScore,

    /// <summary><c>DAVIES_BOULDIN_SCORE</c>.</summary>
    DaviesBouldinScore,
}
