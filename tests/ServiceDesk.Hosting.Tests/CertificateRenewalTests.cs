using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using ServiceDesk.Hosting.Tls;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Hosting.Tests;

/// <summary>
/// Certificates renewed the way Kubernetes updates a mounted Secret (cert-manager's): kubelet writes the new files
/// into a new hidden directory and swaps the <c>..data</c> link to it; the names the service reads (<c>tls.crt</c>,
/// <c>tls.key</c>, <c>ca.crt</c>) are links to <c>..data/&lt;name&gt;</c> that never change themselves.
/// </summary>
public sealed class CertificateRenewalTests
{
    [Fact]
    public void A_certificate_and_key_renewed_in_a_secret_volume_are_read_again()
    {
        var volume = TestDirectory.Create("tls-volume");
        var first = IssueInto(TestDirectory.Create("tls-first"));
        var second = IssueInto(TestDirectory.Create("tls-second"));
        SecretVolume.Publish(volume, first, "..2026_01_01_00_00_00.1", writtenAt: DateTime.UtcNow.AddHours(-1));
        var certificate = new PemCertificate(Path.Combine(volume, "tls.crt"), Path.Combine(volume, "tls.key"));
        Assert.Equal(Thumbprint(first), certificate.Current.Thumbprint);

        SecretVolume.Publish(volume, second, "..2026_03_01_00_00_00.2", writtenAt: DateTime.UtcNow);

        Assert.Equal(Thumbprint(second), certificate.Current.Thumbprint);
        Assert.True(certificate.Current.HasPrivateKey);
    }

    [Fact]
    public void An_authority_bundle_renewed_in_a_secret_volume_is_read_again()
    {
        var volume = TestDirectory.Create("tls-volume");
        var first = IssueInto(TestDirectory.Create("tls-first"));
        var second = IssueInto(TestDirectory.Create("tls-second"));
        SecretVolume.Publish(volume, first, "..2026_01_01_00_00_00.1", writtenAt: DateTime.UtcNow.AddHours(-1));
        var authorities = new TrustedAuthorities(Path.Combine(volume, "ca.crt"));
        using var issuedBySecond = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(second, "server.crt")));
        Assert.False(authorities.Trusts(issuedBySecond));

        SecretVolume.Publish(volume, second, "..2026_03_01_00_00_00.2", writtenAt: DateTime.UtcNow);

        Assert.True(authorities.Trusts(issuedBySecond));
    }

    private static string IssueInto(string directory)
    {
        new TestAuthority(directory).Issue("server", serverName: "localhost");
        return directory;
    }

    private static string Thumbprint(string directory)
    {
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(directory, "server.crt")));
        return certificate.Thumbprint;
    }

    /// <summary>What kubelet's atomic writer does for a Secret volume of a cert-manager Certificate.</summary>
    private static class SecretVolume
    {
        public static void Publish(string volume, string issued, string generation, DateTime writtenAt)
        {
            var directory = Path.Combine(volume, generation);
            System.IO.Directory.CreateDirectory(directory);
            foreach (var (name, source) in new[] { ("tls.crt", "server.crt"), ("tls.key", "server.key"), ("ca.crt", "ca.crt") })
            {
                var file = Path.Combine(directory, name);
                File.Copy(Path.Combine(issued, source), file);
                File.SetLastWriteTimeUtc(file, writtenAt);
            }

            var next = Path.Combine(volume, "..data_tmp");
            File.CreateSymbolicLink(next, generation);
            // rename(2) replaces the old link in one step, as kubelet does; File.Move refuses a link to a directory.
            Assert.Equal(0, Rename(next, Path.Combine(volume, "..data")));
            foreach (var name in new[] { "tls.crt", "tls.key", "ca.crt" })
            {
                var link = Path.Combine(volume, name);
                if (!Path.Exists(link))
                {
                    File.CreateSymbolicLink(link, Path.Combine("..data", name));
                }
            }
        }

        [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
        private static extern int Rename(string oldPath, string newPath);
    }
}
