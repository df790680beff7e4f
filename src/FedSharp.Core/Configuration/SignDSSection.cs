namespace FedSharp.Core.Configuration;

/// <summary>The <c>encrypt.signds</c> section: sign-based dimension selection.</summary>
public sealed class SignDSSection
{
    /// <summary><c>encrypt.signds.sign_k</c>: top-k ratio, in (0, 0.25]. Default 0.01.</summary>
    public double SignK { get; set; } = 0.01;

    /// <summary><c>encrypt.signds.sign_eps</c>: ε of the exponential mechanism, in (0, 100]. Default 100.</summary>
    public double SignEps { get; set; } = 100;

    /// <summary><c>encrypt.signds.sign_thr_ratio</c>: expected top-k share of the output, in [0.5, 1]. Default 0.6.</summary>
    public double SignThrRatio { get; set; } = 0.6;

    /// <summary><c>encrypt.signds.sign_global_lr</c>: server step used when clients report no MagRR bit, &gt; 0. Default 0.1.</summary>
    public double SignGlobalLr { get; set; } = 0.1;

    /// <summary><c>encrypt.signds.sign_dim_out</c>: output dimension h, in [0, 50]; 0 chooses it automatically. Default 0.</summary>
    public int SignDimOut { get; set; }
}
