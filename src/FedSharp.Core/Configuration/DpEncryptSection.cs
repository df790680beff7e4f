namespace FedSharp.Core.Configuration;

/// <summary>The <c>encrypt.dp_encrypt</c> section: local Gaussian differential privacy.</summary>
public sealed class DpEncryptSection
{
    /// <summary><c>encrypt.dp_encrypt.dp_eps</c>: ε, &gt; 0. Default 50.</summary>
    public double DpEps { get; set; } = 50.0;

    /// <summary><c>encrypt.dp_encrypt.dp_delta</c>: δ, in (0, 1). Default 0.01.</summary>
    public double DpDelta { get; set; } = 0.01;

    /// <summary><c>encrypt.dp_encrypt.dp_norm_clip</c>: factor on the global update's norm that adapts the clip norm, &gt; 0. Default 1.</summary>
    public double DpNormClip { get; set; } = 1.0;
}
