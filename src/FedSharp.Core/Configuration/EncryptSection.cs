using FedSharp.Core.Protocol;

namespace FedSharp.Core.Configuration;

/// <summary>The <c>encrypt</c> section: how updates are protected.</summary>
public sealed class EncryptSection
{
    /// <summary><c>encrypt.encrypt_train_type</c>: NOT_ENCRYPT, PW_ENCRYPT, STABLE_PW_ENCRYPT, DP_ENCRYPT or SIGNDS. Default NOT_ENCRYPT.</summary>
    public EncryptType EncryptTrainType { get; set; } = EncryptType.NotEncrypt;

    /// <summary>The <c>encrypt.pw_encrypt</c> section.</summary>
    public PwEncryptSection PwEncrypt { get; } = new();

    /// <summary>The <c>encrypt.dp_encrypt</c> section.</summary>
    public DpEncryptSection DpEncrypt { get; } = new();

    /// <summary>The <c>encrypt.signds</c> section.</summary>
    public SignDSSection Signds { get; } = new();

    /// <summary><c>encrypt.privacy_eval_type</c>: protection of unsupervised evaluation outputs. Default NOT_ENCRYPT.</summary>
    public PrivacyEvalType PrivacyEvalType { get; set; } = PrivacyEvalType.NotEncrypt;

    /// <summary>The <c>encrypt.laplace_eval</c> section.</summary>
    public LaplaceEvalSection LaplaceEval { get; } = new();
}
