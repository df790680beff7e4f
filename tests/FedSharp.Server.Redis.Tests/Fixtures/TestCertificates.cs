using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FedSharp.Server.Redis.Tests.Fixtures;

/// <summary>
/// A throw-away PKI made in the test: a self-signed CA, a server certificate for 127.0.0.1 and a client certificate
/// both signed by it, and an unrelated second CA; all written as PEM files to a temporary directory.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly string _directory;

    public TestCertificates()
    {
        _directory = Directory.CreateTempSubdirectory("fedsharp-tls-").FullName;
        DateTimeOffset notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        DateTimeOffset notAfter = notBefore.AddDays(30);

        using X509Certificate2 ca = CreateCa("CN=FedSharp test CA", notBefore, notAfter);
        using X509Certificate2 otherCa = CreateCa("CN=Unrelated test CA", notBefore, notAfter);
        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using X509Certificate2 server = serverRequest.Create(ca, notBefore, notAfter, [1, 2, 3, 4]);

        using var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var clientRequest = new CertificateRequest("CN=fedsharp-server", clientKey, HashAlgorithmName.SHA256);
        clientRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        using X509Certificate2 client = clientRequest.Create(ca, notBefore, notAfter, [5, 6, 7, 8]);

        CaCertificatePath = Write("ca.crt", ca.ExportCertificatePem());
        OtherCaCertificatePath = Write("other-ca.crt", otherCa.ExportCertificatePem());
        ServerCertificatePath = Write("server.crt", server.ExportCertificatePem());
        ServerKeyPath = Write("server.key", serverKey.ExportPkcs8PrivateKeyPem());
        ClientCertificatePath = Write("client.crt", client.ExportCertificatePem());
        ClientKeyPath = Write("client.key", clientKey.ExportPkcs8PrivateKeyPem());
        ServerThumbprint = server.Thumbprint;
        Client = X509Certificate2.CreateFromPemFile(ClientCertificatePath, ClientKeyPath);
    }

    public string CaCertificatePath { get; }

    public string OtherCaCertificatePath { get; }

    public string ServerCertificatePath { get; }

    public string ServerKeyPath { get; }

    public string ClientCertificatePath { get; }

    public string ClientKeyPath { get; }

    public string ServerThumbprint { get; }

    /// <summary>The client certificate with its key, for the readiness probe.</summary>
    public X509Certificate2 Client { get; }

    public bool IsServerCertificate(X509Certificate? certificate)
        => certificate is not null && string.Equals(certificate.GetCertHashString(), ServerThumbprint, StringComparison.OrdinalIgnoreCase);

    public void Dispose()
    {
        Client.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    private static X509Certificate2 CreateCa(string subject, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return request.CreateSelfSigned(notBefore, notAfter);
    }

    private string Write(string name, string pem)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, pem);
        return path;
    }
}
