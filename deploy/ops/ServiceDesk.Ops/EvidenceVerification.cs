using System.Security.Cryptography;
using System.Text.Json;
using Google.Protobuf;
using ServiceDesk.Contracts.Directory.V1;

namespace ServiceDesk.Ops;

/// <summary>
/// Offline verification of an erasure evidence document (Directory's ExportErasureEvidence, saved as the
/// message's JSON): the ES256 signature over the document bytes must verify under the trusted public key, which
/// the operator obtained and pinned beforehand, never only the copy inside the file.
/// </summary>
public static class EvidenceVerification
{
    public const string Usage = """
          servicedesk-ops verify-evidence --evidence EVIDENCE.json --public-key DIRECTORY-EVIDENCE.pem
        EVIDENCE.json is ExportErasureEvidence's answer as JSON; the public key is Directory's evidence key
        (public_key_pem of an earlier export, kept where the evidence's holder cannot change it).
        """;

    /// <summary>Null when the document verifies; otherwise why not.</summary>
    public static string? Verify(ErasureEvidence evidence, string trustedPublicKeyPem)
    {
        if (evidence.Algorithm != "ES256")
        {
            return $"unsupported algorithm '{evidence.Algorithm}'";
        }

        using var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(trustedPublicKeyPem);
        }
        catch (ArgumentException)
        {
            return "the public key is not a PEM-encoded EC public key";
        }

        if (!key.VerifyData(evidence.Document.Span, evidence.Signature.Span, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
        {
            return "the signature does not verify under the given public key: the document was altered, or signed by another key";
        }

        try
        {
            using var document = JsonDocument.Parse(evidence.Document.Memory);
            return document.RootElement.TryGetProperty("key_id", out var keyId) && keyId.GetString() == evidence.KeyId
                ? null
                : "the document names another key than the evidence";
        }
        catch (JsonException)
        {
            return "the signed document is not JSON";
        }
    }

    /// <summary>Reads the evidence file and the key file, verifies, and prints the outcome; 0 when valid.</summary>
    public static async Task<int> RunAsync(string evidencePath, string publicKeyPath, TextWriter output, CancellationToken cancellationToken)
    {
        ErasureEvidence evidence;
        try
        {
            evidence = JsonParser.Default.Parse<ErasureEvidence>(await File.ReadAllTextAsync(evidencePath, cancellationToken));
        }
        catch (InvalidProtocolBufferException exception)
        {
            throw new UsageException($"{evidencePath} is not an ErasureEvidence JSON document: {exception.Message}");
        }

        if (Verify(evidence, await File.ReadAllTextAsync(publicKeyPath, cancellationToken)) is { } failure)
        {
            await output.WriteLineAsync($"INVALID: {failure}");
            return 1;
        }

        await output.WriteLineAsync($"VALID: signed by evidence key {evidence.KeyId}");
        await output.WriteLineAsync(evidence.Document.ToStringUtf8());
        return 0;
    }
}
