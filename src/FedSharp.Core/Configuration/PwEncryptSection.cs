namespace FedSharp.Core.Configuration;

/// <summary>The <c>encrypt.pw_encrypt</c> section: pairwise-masking secure aggregation.</summary>
public sealed class PwEncryptSection
{
    /// <summary><c>encrypt.pw_encrypt.share_secrets_ratio</c>: decay r of the cipher rounds' thresholds, in (0, 1]. Default 1.</summary>
    public double ShareSecretsRatio { get; set; } = 1.0;

    /// <summary>
    /// <c>encrypt.pw_encrypt.cipher_time_window</c>: how long each cipher round stays open, ≥ 1 ms. Default 300000 ms
    /// (MindSpore's documented value; its code default of 1 ms only works there because its timers truncate to seconds).
    /// </summary>
    public TimeSpan CipherTimeWindow { get; set; } = TimeSpan.FromMilliseconds(300_000);

    /// <summary><c>encrypt.pw_encrypt.reconstruct_secrets_threshold</c>: Shamir threshold t, ≥ 1. Default 1.</summary>
    public int ReconstructSecretsThreshold { get; set; } = 1;
}
