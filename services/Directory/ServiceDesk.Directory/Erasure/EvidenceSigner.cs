using System.Security.Cryptography;
using System.Text.Json;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Hosting.KeyProtection;
using ServiceDesk.Storage;

namespace ServiceDesk.Directory.Erasure;

/// <summary>A request's evidence: canonical JSON, its ES256 signature (IEEE P1363, r‖s), and the key that verifies it.</summary>
public sealed record SignedEvidence(byte[] Document, byte[] Signature, string KeyId, string PublicKeyPem)
{
    public const string Algorithm = "ES256";
}

/// <summary>
/// Exports a request and its receipts as a signed JSON document holding ids, codes, counts and timestamps only,
/// never personal data (not even the address hash). The document is canonical: fixed property order, counts in
/// ordinal key order, UTC timestamps to the millisecond, no whitespace; it states what a delete can leave at rest
/// in the configured store. The signing key is a P-256 key of Directory's own, created on first use and kept
/// wrapped under the key-encryption key like the customer keys; `servicedesk-ops verify-evidence` checks a
/// document offline against its public half.
/// </summary>
public sealed class EvidenceSigner(IErasureStore store, KeyWrapper keys, StorageOptions storage, TimeProvider time)
{
    public const string Format = "servicedesk.erasure-evidence.v1";

    private const string LiteDbResidue =
        "LiteDB: the deleted profile, search entries and key were removed and the file checkpointed; no deleted bytes remain in the data file or its log. Earlier copies of the file (backups) hold them until their retention ends.";

    private const string MongoResidue =
        "MongoDB: the deleted profile and search keys can remain in the oplog until it rolls over (its window) and in backups until their retention ends; events that left Directory are sealed under the destroyed customer key.";

    /// <summary>Said while a removal's final profile (<see cref="RemovalProfile"/>) is kept for the services that look for names.</summary>
    private const string FinalProfileHeld =
        " Until ticketing and notification are done, the profile as removed stays readable under a key of this request, kept wrapped by Directory: sealed in the removal command (the event stream, its persistence and backups) and in Directory's store; the key is destroyed when they are.";

    public async Task<SignedEvidence> ExportAsync(ErasureRecord record, CancellationToken cancellationToken)
    {
        using var key = await SigningKeyAsync(cancellationToken);
        var residue = (storage.Backend == StorageBackend.MongoDb ? MongoResidue : LiteDbResidue)
            + (await store.FindRemovalProfileAsync(record.Id, cancellationToken) is null ? string.Empty : FinalProfileHeld);
        var document = Canonical(record, residue, key.KeyId, time.Now());
        return new SignedEvidence(document, key.Key.SignData(document, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation), key.KeyId, key.Key.ExportSubjectPublicKeyInfoPem());
    }

    private static byte[] Canonical(ErasureRecord record, string residue, string keyId, DateTimeOffset generatedAt)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteString("erasure_id", record.Id);
            json.WriteString("customer_id", record.CustomerId);
            json.WriteString("mode", record.Mode.ToString());
            json.WriteString("reason", record.Reason.ToString());
            json.WriteString("successor_customer_id", record.SuccessorCustomerId);
            json.WriteString("requested_by", record.RequestedBy);
            json.WriteString("approved_by", record.ApprovedBy);
            json.WriteString("status", record.Status.ToString());
            json.WriteString("received_at", Timestamp(record.ReceivedAt));
            json.WriteString("due_at", Timestamp(record.DueAt));
            json.WriteString("completed_at", record.CompletedAt is { } completed ? Timestamp(completed) : null);
            json.WriteStartArray("receipts");
            foreach (var participant in record.Participants)
            {
                json.WriteStartObject();
                json.WriteString("service", participant.Service);
                json.WriteString("state", participant.State.ToString());
                json.WriteStartObject("counts");
                foreach (var (kind, count) in participant.Counts.OrderBy(count => count.Key, StringComparer.Ordinal))
                {
                    json.WriteNumber(kind, count);
                }

                json.WriteEndObject();
                json.WriteString("error", participant.Error);
                json.WriteString("updated_at", Timestamp(participant.UpdatedAt));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            WriteDecision(json, "rejection", record.Rejection, code => ((RejectionReason)code).ToString());
            WriteDecision(json, "reinstatement", record.Reinstatement, code => ((ReinstatementReason)code).ToString());
            json.WriteString("residual_data", residue);
            json.WriteString("key_id", keyId);
            json.WriteString("generated_at", Timestamp(generatedAt));
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteDecision(Utf8JsonWriter json, string name, ErasureDecision? decision, Func<int, string> reason)
    {
        if (decision is null)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartObject(name);
        json.WriteString("by", decision.By);
        json.WriteString("reason", reason(decision.ReasonCode));
        json.WriteString("at", Timestamp(decision.At));
        json.WriteEndObject();
    }

    private static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<SigningKey> SigningKeyAsync(CancellationToken cancellationToken)
    {
        using var candidate = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var candidateId = Guid.CreateVersion7(time.GetUtcNow()).ToString("N");
        var stored = await store.GetOrAddEvidenceKeyAsync(
            new StoredEvidenceKey(candidateId, keys.Wrap(candidate.ExportPkcs8PrivateKey(), Purpose(candidateId)), keys.CurrentKeyId, time.GetUtcNow()),
            cancellationToken);
        var key = ECDsa.Create();
        var pkcs8 = keys.Open(stored.WrappedPrivateKey, stored.KekId, Purpose(stored.KeyId));
        try
        {
            key.ImportPkcs8PrivateKey(pkcs8, out _);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }

        return new SigningKey(stored.KeyId, key);
    }

    /// <summary>
    /// Re-wraps the signing key under the current key-encryption key when a retired one wraps it (at start, with the
    /// customer keys: <see cref="Keys.CustomerKeyRewrap"/>), so the retired key can be dropped without losing the key
    /// whose public half verifiers have pinned.
    /// </summary>
    /// <returns>Whether it was re-wrapped.</returns>
    public async Task<bool> RewrapAsync(CancellationToken cancellationToken)
    {
        if (await store.FindEvidenceKeyAsync(cancellationToken) is not { } stored || keys.IsCurrent(stored.KekId))
        {
            return false;
        }

        var pkcs8 = keys.Open(stored.WrappedPrivateKey, stored.KekId, Purpose(stored.KeyId));
        try
        {
            await store.RewrapEvidenceKeyAsync(stored, stored with { WrappedPrivateKey = keys.Wrap(pkcs8, Purpose(stored.KeyId)), KekId = keys.CurrentKeyId }, cancellationToken);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }

        return true;
    }

    /// <summary>Binds the wrapped bytes to their key id, so a wrapped key cannot be passed off as another.</summary>
    private static string Purpose(string keyId) => $"servicedesk.directory evidence key {keyId}";

    private sealed record SigningKey(string KeyId, ECDsa Key) : IDisposable
    {
        public void Dispose() => Key.Dispose();
    }
}
