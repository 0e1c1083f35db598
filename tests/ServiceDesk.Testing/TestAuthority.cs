using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ServiceDesk.Testing;

/// <summary>A private certificate authority writing PEM files: <c>ca.crt</c> and a <c>name.crt</c>/<c>name.key</c> pair per certificate.</summary>
public sealed class TestAuthority
{
    private readonly string _directory;
    private readonly X509Certificate2 _root;

    public TestAuthority(string directory)
    {
        _directory = directory;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=ServiceDesk test CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        _root = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2));
        File.WriteAllText(BundlePath, _root.ExportCertificatePem());
    }

    public string BundlePath => Path.Combine(_directory, "ca.crt");

    /// <summary>A server certificate for <paramref name="serverName"/>, or a client certificate when null.</summary>
    public void Issue(string name, string? serverName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={serverName ?? name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [serverName is null ? new Oid("1.3.6.1.5.5.7.3.2") : new Oid("1.3.6.1.5.5.7.3.1")], false));
        if (serverName is not null)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName(serverName);
            request.CertificateExtensions.Add(names.Build());
        }

        using var certificate = request.Create(_root, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(16));
        File.WriteAllText(Path.Combine(_directory, $"{name}.crt"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_directory, $"{name}.key"), key.ExportPkcs8PrivateKeyPem());
    }

    public bool Trusts(X509Certificate? certificate, System.Net.Security.SslPolicyErrors errors) =>
        new ServiceDesk.Hosting.Tls.TrustedAuthorities(BundlePath).ValidateServer(certificate, errors);
}
