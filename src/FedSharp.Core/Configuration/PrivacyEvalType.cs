namespace FedSharp.Core.Configuration;

/// <summary>Protection of unsupervised evaluation outputs (<c>encrypt.privacy_eval_type</c>).</summary>
public enum PrivacyEvalType
{
    /// <summary><c>NOT_ENCRYPT</c>: outputs are uploaded as they are.</summary>
    NotEncrypt,

    /// <summary><c>LAPLACE</c>: clients add Laplace noise with <c>encrypt.laplace_eval.laplace_eval_eps</c>.</summary>
    Laplace,
}
