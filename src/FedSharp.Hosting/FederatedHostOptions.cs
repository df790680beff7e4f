using FedSharp.Core.Configuration;
using Microsoft.Extensions.Logging;
using System.Security.Cryptography.X509Certificates;

namespace FedSharp.Hosting;

/// <summary>Where and how <see cref="FederatedHost"/> serves the device protocol.</summary>
public sealed class FederatedHostOptions
{
    /// <summary>
    /// <c>host:port</c> endpoints speaking HTTP/1.1, or HTTP/1.1 and HTTP/2 (chosen by ALPN) when a certificate is
    /// set (see <see cref="ListenAddress"/> for the forms). Port 0 picks a free port; read the bound ones from
    /// <see cref="FederatedHost.Addresses"/>. Default <c>127.0.0.1:6666</c>.
    /// </summary>
    public IReadOnlyList<string> ListenAddresses { get; set; } = ["127.0.0.1:6666"];

    /// <summary>
    /// <c>host:port</c> endpoints speaking only cleartext HTTP/2 with prior knowledge (h2c), never TLS, for load tools
    /// such as h2load. Default none.
    /// </summary>
    public IReadOnlyList<string> H2cListenAddresses { get; set; } = [];

    /// <summary>The TLS certificate with its private key; takes precedence over <see cref="CertificatePath"/>. Default none.</summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>
    /// TLS certificate file: PKCS#12 (PFX, with <see cref="CertificatePassword"/>) or, when
    /// <see cref="CertificateKeyPath"/> is set, a PEM certificate. Empty or null: no TLS. Default none.
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key of a PEM <see cref="CertificatePath"/> (encrypted with <see cref="CertificatePassword"/> if set). Default none.</summary>
    public string? CertificateKeyPath { get; set; }

    /// <summary>Password of the PFX file or of the encrypted PEM key. Default none.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// Largest request body accepted (<c>fedsharp.max_request_body_bytes</c>); larger ones get HTTP 413. At least 1;
    /// default 104 857 600 (100 MiB).
    /// </summary>
    public long MaxRequestBodyBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Path prefix of the round routes (<c>client.http_url_prefix</c>): <c>fl</c> serves <c>POST /fl/startFLJob</c>. Default empty.</summary>
    public string UrlPrefix { get; set; } = string.Empty;

    /// <summary>Concurrent connections accepted (<c>client.connection_num</c>); null for no limit. At least 1; default null.</summary>
    public long? MaxConcurrentConnections { get; set; }

    /// <summary>
    /// How long before the certificate's expiry the host logs a warning at start-up
    /// (<c>ssl.cert_expire_warning_time_in_day</c>, MindSpore's check). 7 to 180 days; default 90 days.
    /// </summary>
    public TimeSpan CertificateExpiryWarning { get; set; } = TimeSpan.FromDays(90);

    /// <summary>The clock the certificate's expiry is measured against. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Least severe console log level. Default <see cref="LogLevel.Warning"/>, so a healthy server is quiet.</summary>
    public LogLevel MinimumLogLevel { get; set; } = LogLevel.Warning;

    /// <summary>How long a stop waits for requests in flight. 0 to 10 minutes; default 5 seconds.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The options a configuration asks for: <c>fedsharp.http_listen_address</c>, <c>fedsharp.max_request_body_bytes</c>,
    /// <c>client.http_url_prefix</c>, <c>client.connection_num</c>, <c>ssl.cert_expire_warning_time_in_day</c> and, when <c>enable_ssl</c> is true,
    /// <c>ssl.server_cert_path</c> as a PFX file (set <see cref="CertificatePassword"/> yourself: the configuration
    /// holds no secrets).
    /// </summary>
    /// <param name="configuration">A validated job configuration.</param>
    /// <returns>New options; the caller may change them.</returns>
    public static FederatedHostOptions FromConfiguration(JobConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new FederatedHostOptions
        {
            ListenAddresses = [configuration.FedSharp.HttpListenAddress],
            MaxRequestBodyBytes = configuration.FedSharp.MaxRequestBodyBytes,
            UrlPrefix = configuration.Client.HttpUrlPrefix,
            MaxConcurrentConnections = configuration.Client.ConnectionNum,
            CertificatePath = configuration.EnableSsl ? configuration.Ssl.ServerCertPath : null,
            CertificateExpiryWarning = TimeSpan.FromDays(configuration.Ssl.CertExpireWarningTimeInDay),
        };
    }

    /// <summary>Every broken rule, one sentence each naming the option, its value and the fix; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (ListenAddresses is null || H2cListenAddresses is null || ListenAddresses.Count + H2cListenAddresses.Count == 0)
        {
            problems.Add($"{nameof(ListenAddresses)} and {nameof(H2cListenAddresses)} are both empty; give at least one host:port.");
        }
        else
        {
            foreach (string address in ListenAddresses.Concat(H2cListenAddresses))
            {
                if (!ListenAddress.TryParse(address, out _, out string? problem))
                {
                    problems.Add(problem);
                }
            }
        }

        if (MaxRequestBodyBytes < 1 || MaxRequestBodyBytes > Array.MaxLength)
        {
            problems.Add($"{nameof(MaxRequestBodyBytes)} is {MaxRequestBodyBytes}; it must be in [1, {Array.MaxLength}] (a body is read into one buffer).");
        }

        if (MaxConcurrentConnections is < 1)
        {
            problems.Add($"{nameof(MaxConcurrentConnections)} is {MaxConcurrentConnections}; it must be at least 1, or null for no limit.");
        }

        if (CertificateExpiryWarning < TimeSpan.FromDays(7) || CertificateExpiryWarning > TimeSpan.FromDays(180))
        {
            problems.Add($"{nameof(CertificateExpiryWarning)} is {CertificateExpiryWarning.TotalDays} days; it must be between 7 and 180 days (ssl.cert_expire_warning_time_in_day).");
        }

        if (Time is null)
        {
            problems.Add($"{nameof(Time)} is null; use TimeProvider.System.");
        }

        if (ShutdownTimeout < TimeSpan.Zero || ShutdownTimeout > TimeSpan.FromMinutes(10))
        {
            problems.Add($"{nameof(ShutdownTimeout)} is {ShutdownTimeout}; it must be between 0 and 10 minutes.");
        }

        if (Certificate is null && !string.IsNullOrEmpty(CertificatePath) && !File.Exists(CertificatePath))
        {
            problems.Add($"{nameof(CertificatePath)} '{CertificatePath}' does not exist; point it at the server's PFX or PEM certificate.");
        }

        if (!string.IsNullOrEmpty(CertificateKeyPath) && string.IsNullOrEmpty(CertificatePath) && Certificate is null)
        {
            problems.Add($"{nameof(CertificateKeyPath)} is set but {nameof(CertificatePath)} is not; a PEM key needs its PEM certificate.");
        }

        if (!string.IsNullOrEmpty(CertificateKeyPath) && !File.Exists(CertificateKeyPath))
        {
            problems.Add($"{nameof(CertificateKeyPath)} '{CertificateKeyPath}' does not exist; point it at the certificate's PEM private key.");
        }

        return problems;
    }

    /// <summary>The certificate to serve TLS with, loaded from the files if needed; null when TLS is off.</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The file is not a certificate, the password is wrong or the key does not match.</exception>
    internal X509Certificate2? LoadCertificate()
    {
        if (Certificate is not null)
        {
            return Certificate;
        }

        if (string.IsNullOrEmpty(CertificatePath))
        {
            return null;
        }

        if (!string.IsNullOrEmpty(CertificateKeyPath))
        {
            return string.IsNullOrEmpty(CertificatePassword)
                ? X509Certificate2.CreateFromPemFile(CertificatePath, CertificateKeyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(CertificatePath, CertificatePassword, CertificateKeyPath);
        }

        return X509CertificateLoader.LoadPkcs12FromFile(CertificatePath, CertificatePassword);
    }
}
