namespace FedSharp.Core.Configuration;

/// <summary>The <c>client_verify</c> section: device attestation (MindSpore: Huawei HUKS phones only).</summary>
public sealed class ClientVerifySection
{
    /// <summary><c>client_verify.pki_verify</c>: verify device certificates and signatures. Default false.</summary>
    public bool PkiVerify { get; set; }

    /// <summary><c>client_verify.root_first_ca_path</c>: first trusted root. Default empty.</summary>
    public string RootFirstCaPath { get; set; } = string.Empty;

    /// <summary><c>client_verify.root_second_ca_path</c>: second trusted root. Default empty.</summary>
    public string RootSecondCaPath { get; set; } = string.Empty;

    /// <summary><c>client_verify.equip_crl_path</c>: revoked device certificates. Default empty.</summary>
    public string EquipCrlPath { get; set; } = string.Empty;

    /// <summary><c>client_verify.replay_attack_time_diff</c>: tolerated client clock difference, ≥ 0 ms. Default 600000 ms.</summary>
    public TimeSpan ReplayAttackTimeDiff { get; set; } = TimeSpan.FromMilliseconds(600_000);
}
