using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Google.Protobuf;
using ServiceDesk.Contracts.Directory.V1;

namespace ServiceDesk.Ops;

/// <summary>
/// Offline verification of an erasure evidence document (the gateway's download, or Directory's ExportErasureEvidence
/// saved as the message's JSON): the ES256 signature over the document bytes must verify under the trusted public key, which
/// the operator obtained and pinned beforehand, never only the copy inside the file.
/// </summary>
public static class EvidenceVerification
{
    public const string Usage = """
          servicedesk-ops verify-evidence --evidence EVIDENCE.json --public-key DIRECTORY-EVIDENCE.pem
        EVIDENCE.json is the gateway's evidence download (the console's "Evidence", GET /api/v1/erasures/ID/evidence)
        or ExportErasureEvidence's answer as JSON; the public key is Directory's evidence key (publicKeyPem or
        public_key_pem of an earlier export, kept where the evidence's holder cannot change it).
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
        var text = await File.ReadAllTextAsync(evidencePath, cancellationToken);
        ErasureEvidence evidence;
        try
        {
            evidence = FromGatewayDownload(text) ?? JsonParser.Default.Parse<ErasureEvidence>(text);
        }
        catch (Exception exception) when (exception is InvalidProtocolBufferException or JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
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

    /// <summary>
    /// The gateway's download carries the document as a JSON object, as saved possibly re-indented (the console does);
    /// null for any other file. The signed bytes are the document written again as Directory wrote it: no whitespace,
    /// Utf8JsonWriter's default escaping, properties and numbers as they stand.
    /// </summary>
    private static ErasureEvidence? FromGatewayDownload(string text)
    {
        using var download = JsonDocument.Parse(text);
        if (download.RootElement.ValueKind != JsonValueKind.Object
            || !download.RootElement.TryGetProperty("document", out var document)
            || document.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        using var canonical = new MemoryStream();
        using (var writer = new Utf8JsonWriter(canonical))
        {
            document.WriteTo(writer);
        }

        return new ErasureEvidence
        {
            Document = ByteString.CopyFrom(canonical.ToArray()),
            Signature = ByteString.CopyFrom(Base64Url.DecodeFromChars(download.RootElement.GetProperty("signature").GetString())),
            Algorithm = download.RootElement.GetProperty("algorithm").GetString() ?? string.Empty,
            KeyId = download.RootElement.GetProperty("keyId").GetString() ?? string.Empty,
        };
    }
}
