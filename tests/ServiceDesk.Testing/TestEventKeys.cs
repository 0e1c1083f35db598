using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using ServiceDesk.Hosting;
using ServiceDesk.Messaging.Authenticity;
using ServiceDesk.Messaging.Catalog;

namespace ServiceDesk.Testing;

/// <summary>
/// The event signing keys of every service a test runs: one P-256 key per service name, made once per test process,
/// so hosts started apart (and entries tests append by hand as a service) verify each other as the real ones do.
/// </summary>
public static class TestEventKeys
{
    /// <summary>Every service name a test host runs under: the system's, and the probes' of the messaging tests.</summary>
    private static readonly string[] Services =
        [.. ServiceNames.Backends, "publisher", "consumer-a", "consumer-b", "probe-participant", "probe-coordinator"];

    private static readonly ConcurrentDictionary<string, ECDsa> Keys = new(StringComparer.Ordinal);

    /// <summary><c>Messaging:SigningKey</c> for <paramref name="service"/> and every service's <c>Messaging:PublisherKeys</c>.</summary>
    public static Dictionary<string, string?> Settings(string service, string separator = ":")
    {
        var settings = new Dictionary<string, string?> { [EventAuthenticator.SigningKeySetting.Replace(":", separator, StringComparison.Ordinal)] = PrivateKey(service) };
        foreach (var publisher in Services.Append(service).Distinct(StringComparer.Ordinal))
        {
            settings[$"{EventAuthenticator.PublisherKeysSection}:{publisher}".Replace(":", separator, StringComparison.Ordinal)] = PublicKey(publisher);
        }

        return settings;
    }

    /// <summary>The authenticator <paramref name="service"/> runs with: to sign an entry by hand as that service.</summary>
    public static EventAuthenticator AuthenticatorOf(string service, EventCatalog catalog) =>
        new(EventAuthenticator.ReadKeys(new ConfigurationBuilder().AddInMemoryCollection(Settings(service)).Build()), catalog, service);

    public static string PrivateKey(string service) => Convert.ToBase64String(KeyOf(service).ExportPkcs8PrivateKey());

    public static string PublicKey(string service) => Convert.ToBase64String(KeyOf(service).ExportSubjectPublicKeyInfo());

    private static ECDsa KeyOf(string service) => Keys.GetOrAdd(service, _ => ECDsa.Create(ECCurve.NamedCurves.nistP256));
}
