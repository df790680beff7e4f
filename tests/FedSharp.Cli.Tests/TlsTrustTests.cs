using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace FedSharp.Cli.Tests;

/// <summary>
/// A `fedsharp server` process serving HTTPS with a certificate from a private CA, and `fedsharp client` processes:
/// without the CA the device stops at once with one line naming the URL and the fix; with `--ca-cert` it trains.
/// </summary>
public sealed class TlsTrustTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
    private readonly string _directory = Directory.CreateTempSubdirectory("fedsharp-tls-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Client_ServerCertificateFromAnUntrustedCa_FailsAtOnce_AndTrainsWithCaCert()
    {
        (string caPath, string certificatePath, string keyPath) = WritePrivateCaAndServerCertificate();
        string address = $"127.0.0.1:{FedSharpProcess.FreeLoopbackPort()}";
        string config = Path.Combine(FedSharpProcess.RepositoryRoot(), "examples", "loopback", "fashion-mnist.yaml");
        string[] job = ["--config", config, "--set", "round.start_fl_job_threshold=1", "--set", "fl_iteration_num=1"];
        using var server = RunningFedSharp.Start(
            "the server", _directory, ["server", .. job, "--http", address, "--cert", certificatePath, "--cert-key", keyPath, "--json"]);
        await server.WaitForLineAsync(line => line.TryGetProperty("event", out JsonElement e) && e.GetString() == "listening", Patience);
        string[] device = ["client", .. job, "--server-urls", $"https://{address}/", "--dataset", "fashion-mnist-subset", "--partition", "iid",
            "--client-index", "0", "--clients", "1", "--json"];

        var clock = Stopwatch.StartNew();
        ProcessResult untrusted = await FedSharpProcess.RunAsync(device);
        TimeSpan refusedAfter = clock.Elapsed;
        ProcessResult trusted = await FedSharpProcess.RunAsync([.. device, "--ca-cert", caPath]);

        Assert.Equal(1, untrusted.ExitCode);
        string error = Assert.Single(untrusted.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"https://{address}/startFLJob: the server's TLS certificate is not trusted", error, StringComparison.Ordinal);
        Assert.Contains("--ca-cert", error, StringComparison.Ordinal);
        // The device used to retry for 30 s and more before giving up; a rejected certificate is not worth a retry.
        Assert.True(refusedAfter < TimeSpan.FromSeconds(30), $"the untrusted client took {refusedAfter} to stop");
        Assert.True(trusted.ExitCode == 0, trusted.StandardError);
        Assert.Equal("PlanCompleted", trusted.LastJsonLine().GetProperty("stop_reason").GetString());
        // The certificate expires in 29 days, inside ssl.cert_expire_warning_time_in_day's default 90.
        Assert.Contains("The TLS certificate 'CN=127.0.0.1' expires on ", server.StandardError, StringComparison.Ordinal);
        Assert.Contains("(28 days from now, within the 90-day warning of ssl.cert_expire_warning_time_in_day)", server.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_CaCertFileMissing_FailsNamingTheFile()
    {
        ProcessResult result = await FedSharpProcess.RunAsync(
            "client", "--fl-name", "job", "--server-urls", "https://127.0.0.1:1/", "--dataset", "fashion-mnist-subset",
            "--client-index", "0", "--clients", "1", "--ca-cert", Path.Combine(_directory, "absent.pem"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"The CA certificate file '{Path.Combine(_directory, "absent.pem")}' (ssl.ca_cert_path or --ca-cert) does not exist", result.StandardError, StringComparison.Ordinal);
    }

    // A CA that no system trusts, and a server certificate for 127.0.0.1 that it signed, as PEM files.
    private (string Ca, string Certificate, string Key) WritePrivateCaAndServerCertificate()
    {
        using ECDsa caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=FedSharp test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using X509Certificate2 ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        using ECDsa serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        using X509Certificate2 server = serverRequest.Create(ca, now.AddDays(-1), now.AddDays(29), [1, 2, 3, 4]);

        string caPath = Path.Combine(_directory, "ca.pem");
        string certificatePath = Path.Combine(_directory, "server.pem");
        string keyPath = Path.Combine(_directory, "server.key");
        File.WriteAllText(caPath, ca.ExportCertificatePem());
        File.WriteAllText(certificatePath, server.ExportCertificatePem());
        File.WriteAllText(keyPath, serverKey.ExportPkcs8PrivateKeyPem());
        return (caPath, certificatePath, keyPath);
    }
}
