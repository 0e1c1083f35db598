using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Events.V1;

namespace ServiceDesk.Messaging.PersonalData;

/// <summary>
/// Seals personal data for its trip through Redis with AES-256-GCM under the customer's own key, which only
/// Directory keeps. Destroying the key at removal leaves every copy — stream history, the AOF file, backups —
/// unreadable for that customer (crypto-shredding). The key id is bound as associated data, so a sealed value
/// cannot be passed off under another customer's key.
/// </summary>
public sealed class PersonalDataSealer(ICustomerKeyProvider keys)
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static SealedData Seal(CustomerKey key, IMessage clear)
    {
        var plaintext = clear.ToByteArray();
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[TagSize];
        using (var aes = new AesGcm(key.Key.Span, TagSize))
        {
            aes.Encrypt(nonce, plaintext, ciphertext, tag, Encoding.UTF8.GetBytes(key.KeyId));
        }

        CryptographicOperations.ZeroMemory(plaintext);
        return new SealedData
        {
            KeyId = key.KeyId,
            Nonce = ByteString.CopyFrom(nonce),
            Ciphertext = ByteString.CopyFrom(ciphertext),
            Tag = ByteString.CopyFrom(tag),
        };
    }

    /// <summary>Opens sealed data. Throws <see cref="CustomerKeyDestroyedException"/> once the customer is erased.</summary>
    public async Task<T> UnsealAsync<T>(SealedData sealedData, MessageParser<T> parser, CancellationToken cancellationToken)
        where T : IMessage<T>
    {
        var key = await keys.GetKeyAsync(sealedData.KeyId, cancellationToken);
        var plaintext = new byte[sealedData.Ciphertext.Length];
        using (var aes = new AesGcm(key.Key.Span, TagSize))
        {
            aes.Decrypt(sealedData.Nonce.Span, sealedData.Ciphertext.Span, sealedData.Tag.Span, plaintext, Encoding.UTF8.GetBytes(sealedData.KeyId));
        }

        return parser.ParseFrom(plaintext);
    }
}
