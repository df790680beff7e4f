namespace FedSharp.Core.Configuration;

/// <summary>The <c>ssl</c> section: certificates for HTTPS when <c>enable_ssl</c> is true.</summary>
public sealed class SslSection
{
    /// <summary><c>ssl.server_cert_path</c>: PKCS#12 server certificate; required when <c>enable_ssl</c> is true. Default empty.</summary>
    public string ServerCertPath { get; set; } = string.Empty;

    /// <summary><c>ssl.client_cert_path</c>: PKCS#12 client certificate (MindSpore's server-to-server TCP). Default empty.</summary>
    public string ClientCertPath { get; set; } = string.Empty;

    /// <summary><c>ssl.ca_cert_path</c>: CA certificate; required when <c>enable_ssl</c> is true. Default empty.</summary>
    public string CaCertPath { get; set; } = string.Empty;

    /// <summary><c>ssl.crl_path</c>: certificate revocation list. Default empty.</summary>
    public string CrlPath { get; set; } = string.Empty;

    /// <summary><c>ssl.cipher_list</c>: colon-separated TLS cipher suites; empty leaves the platform's choice. Default empty.</summary>
    public string CipherList { get; set; } = string.Empty;

    /// <summary><c>ssl.cert_expire_warning_time_in_day</c>: days before expiry that a warning is logged, in [7, 180]. Default 90.</summary>
    public int CertExpireWarningTimeInDay { get; set; } = 90;
}
