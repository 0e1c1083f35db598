using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Messaging.Catalog;
using ServiceDesk.Messaging.Consuming;
using StackExchange.Redis;

namespace ServiceDesk.Messaging.Authenticity;

/// <summary>
/// Signs the entries this service appends with its own private key (<c>Messaging:SigningKey</c>, ECDSA P-256) and
/// verifies every entry it reads against the public keys of the entry's family's publishers
/// (<c>Messaging:PublisherKeys:&lt;service&gt;</c>): an entry appended by anyone but one of its family's publishers is
/// never handled, another service of the system included (no service holds a key that signs for another). The
/// signature covers the family, event id, type, envelope bytes and signer, and the envelope must name the signer as
/// its source, so an entry can be neither altered, nor replayed into another family, nor passed off as another
/// service's.
/// </summary>
public sealed class EventAuthenticator
{
    public const string SigningKeySetting = "Messaging:SigningKey";
    public const string PublisherKeysSection = "Messaging:PublisherKeys";
    public const string SignerField = "signer";
    public const string SignatureField = "signature";

    private const int SignatureBytes = 64;
    private const string HowToMakeOne = "deploy/generate-secrets.sh makes one per service";

    private readonly string _service;
    private readonly EventCatalog _catalog;
    private readonly GuardedKey _signingKey;
    private readonly Dictionary<string, GuardedKey[]> _publisherKeys = new(StringComparer.Ordinal);

    /// <summary>
    /// Fails with the setting's name when the catalog names a publisher whose keys are not listed, or when this service's
    /// own listed keys do not hold the public half of its private key (the others would refuse everything it publishes).
    /// </summary>
    public EventAuthenticator(EventKeys keys, EventCatalog catalog, string service)
    {
        _service = service;
        _catalog = catalog;
        _signingKey = new GuardedKey(keys.SigningKey);
        var ownPublicKey = keys.SigningKey.ExportSubjectPublicKeyInfo();
        foreach (var publisher in catalog.Families.SelectMany(family => family.Publishers).Append(service).Distinct(StringComparer.Ordinal))
        {
            var setting = $"{PublisherKeysSection}:{publisher}";
            var listed = keys.PublisherKeys.GetValueOrDefault(publisher) ?? [];
            if (publisher != service && listed.Count == 0)
            {
                throw new InvalidOperationException(
                    $"{setting} is not set: the public key (base64 SubjectPublicKeyInfo) of the service whose events this one verifies; {HowToMakeOne}.");
            }

            if (publisher == service && listed.Count > 0 && !listed.Any(key => key.AsSpan().SequenceEqual(ownPublicKey)))
            {
                throw new InvalidOperationException(
                    $"{SigningKeySetting} is not the private half of any key in {setting}: every other service would refuse the events this one publishes.");
            }

            _publisherKeys[publisher] = [.. (publisher == service ? listed.Prepend(ownPublicKey) : listed).Select(PublicKeyOf)];
        }
    }

    /// <summary>
    /// Reads this service's private key and every publisher's listed public keys, failing the start with the setting's
    /// name when one is missing or malformed.
    /// </summary>
    public static EventKeys ReadKeys(IConfiguration configuration) => new(
        ParsePrivateKey(configuration[SigningKeySetting]),
        configuration.GetSection(PublisherKeysSection).GetChildren().ToDictionary(
            publisher => publisher.Key,
            publisher => ParsePublicKeys(publisher.Value, $"{PublisherKeysSection}:{publisher.Key}"),
            // As configuration keys are: Messaging__PublisherKeys__Directory names directory.
            StringComparer.OrdinalIgnoreCase));

    /// <summary>The service whose key signs what this one appends: its entries' <see cref="SignerField"/>.</summary>
    public string Signer => _service;

    /// <summary>The entry's <see cref="SignatureField"/>, as <see cref="Signer"/>.</summary>
    public byte[] Sign(string family, string eventId, string eventType, byte[] envelope) =>
        _signingKey.Use(key => key.SignData(Message(family, eventId, eventType, envelope, _service), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

    /// <summary>
    /// The entry's envelope, when a publisher of <paramref name="family"/> signed it and the envelope names that
    /// publisher as its source; otherwise whether it is unauthenticated or, signed, unreadable.
    /// </summary>
    public EntryCheck Check(string family, StreamEntry entry)
    {
        string? eventId = entry[EventStreams.EventIdField], eventType = entry[EventStreams.EventTypeField], signer = entry[SignerField];
        byte[]? envelopeBytes = entry[EventStreams.EnvelopeField], signature = entry[SignatureField];
        if (eventId is null || eventType is null || envelopeBytes is null || signer is null || signature is not { Length: SignatureBytes }
            || _catalog.Find(family) is not { } known || !known.Publishers.Contains(signer, StringComparer.Ordinal)
            || !_publisherKeys.TryGetValue(signer, out var keys))
        {
            return EntryCheck.Unauthenticated;
        }

        var message = Message(family, eventId, eventType, envelopeBytes, signer);
        if (!keys.Any(key => key.Use(k => k.VerifyData(message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))))
        {
            return EntryCheck.Unauthenticated;
        }

        var envelope = EventDispatcher.TryParse(envelopeBytes);
        return envelope is null ? EntryCheck.Unreadable
            : envelope.Source == signer ? EntryCheck.Authentic(envelope)
            : EntryCheck.Unauthenticated;
    }

    /// <summary>Each part length-prefixed, so no two different entries share a message.</summary>
    private static byte[] Message(string family, string eventId, string eventType, byte[] envelope, string signer)
    {
        using var message = new MemoryStream();
        Span<byte> length = stackalloc byte[sizeof(int)];
        foreach (var part in new[] { Encoding.UTF8.GetBytes(family), Encoding.UTF8.GetBytes(eventId), Encoding.UTF8.GetBytes(eventType), envelope, Encoding.UTF8.GetBytes(signer) })
        {
            BinaryPrimitives.WriteInt32BigEndian(length, part.Length);
            message.Write(length);
            message.Write(part);
        }

        return message.ToArray();
    }

    private static ECDsa ParsePrivateKey(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException(
                $"{SigningKeySetting} is not set: every service that publishes or consumes integration events needs its own ECDSA P-256 private key (PKCS#8, base64) to sign what it publishes; {HowToMakeOne}.");
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportPkcs8PrivateKey(Decode(value, SigningKeySetting), out _);
        }
        catch (CryptographicException)
        {
            key.Dispose();
            throw new InvalidOperationException($"{SigningKeySetting} is not an ECDSA private key in PKCS#8 (base64); {HowToMakeOne}.");
        }

        return RequireP256(key, SigningKeySetting);
    }

    /// <summary>The keys listed in a setting: base64 SubjectPublicKeyInfo, several separated by commas (newest first).</summary>
    private static List<byte[]> ParsePublicKeys(string? value, string setting)
    {
        var listed = (value ?? string.Empty).Split([',', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return [.. listed.Select(text =>
        {
            var bytes = Decode(text, setting);
            using var key = ECDsa.Create();
            try
            {
                key.ImportSubjectPublicKeyInfo(bytes, out _);
            }
            catch (CryptographicException)
            {
                throw new InvalidOperationException($"{setting} holds a value that is not an ECDSA public key (base64 SubjectPublicKeyInfo); {HowToMakeOne}.");
            }

            RequireP256(key, setting);
            return bytes;
        })];
    }

    private static GuardedKey PublicKeyOf(byte[] subjectPublicKeyInfo)
    {
        var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
        return new GuardedKey(key);
    }

    private static byte[] Decode(string value, string setting)
    {
        var bytes = new byte[value.Length];
        return Convert.TryFromBase64String(value.Trim(), bytes, out var length)
            ? bytes[..length]
            : throw new InvalidOperationException($"{setting} is not valid base64; {HowToMakeOne}.");
    }

    private static ECDsa RequireP256(ECDsa key, string setting) =>
        key.ExportParameters(false).Curve.Oid.Value == ECCurve.NamedCurves.nistP256.Oid.Value
            ? key
            : throw new InvalidOperationException($"{setting} holds a key on another curve than P-256; {HowToMakeOne}.");

    /// <summary>An ECDSA key used by one thread at a time: its instance members are not documented as thread-safe.</summary>
    private sealed class GuardedKey(ECDsa key)
    {
        private readonly Lock _gate = new();

        public T Use<T>(Func<ECDsa, T> operation)
        {
            lock (_gate)
            {
                return operation(key);
            }
        }
    }
}

/// <summary>A service's own event signing key and the public keys listed for each publisher (<see cref="EventAuthenticator.ReadKeys"/>).</summary>
public sealed record EventKeys(ECDsa SigningKey, IReadOnlyDictionary<string, List<byte[]>> PublisherKeys);

/// <summary>What <see cref="EventAuthenticator.Check"/> found: an authentic entry's envelope, or why there is none.</summary>
public sealed record EntryCheck(EventEnvelope? Envelope, bool IsAuthentic)
{
    public static readonly EntryCheck Unauthenticated = new(null, false);

    /// <summary>Signed by a publisher, but holding no readable envelope: retrying cannot help.</summary>
    public static readonly EntryCheck Unreadable = new(null, true);

    public static EntryCheck Authentic(EventEnvelope envelope) => new(envelope, true);
}
