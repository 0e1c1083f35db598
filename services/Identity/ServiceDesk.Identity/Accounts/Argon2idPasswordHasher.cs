using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using NSec.Cryptography;

namespace ServiceDesk.Identity.Accounts;

/// <summary>
/// Argon2id (libsodium through NSec) with the parameters in the stored hash, in the PHC string format
/// (<c>$argon2id$v=19$m=19456,t=2,p=1$salt$hash</c>), so a change of <see cref="PasswordHashingOptions"/> leaves
/// existing hashes verifying: a hash with other parameters, or in the former PBKDF2 format, verifies as
/// <see cref="PasswordVerificationResult.SuccessRehashNeeded"/> and the sign-in stores it anew. Passwords are
/// NFC-normalised first, so one password typed on two keyboards is one password.
/// </summary>
public sealed class Argon2idPasswordHasher(IdentityOptions options) : IPasswordHasher<Account>
{
    private const string Prefix = "$argon2id$v=19$";
    private const int SaltSize = 16;
    private const int HashSize = 32;

    /// <summary>The format before Argon2id; still verified, never written.</summary>
    private static readonly PasswordHasher<Account> Pbkdf2 = new();

    private PasswordHashingOptions Current => options.PasswordHashing;

    public string HashPassword(Account user, string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        var hash = Derive(password, salt, Current.MemoryKib, Current.Iterations);
        return $"{Prefix}m={Current.MemoryKib},t={Current.Iterations},p=1${Encode(salt)}${Encode(hash)}";
    }

    public PasswordVerificationResult VerifyHashedPassword(Account user, string hashedPassword, string providedPassword)
    {
        if (!hashedPassword.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return Pbkdf2.VerifyHashedPassword(user, hashedPassword, providedPassword) == PasswordVerificationResult.Failed
                ? PasswordVerificationResult.Failed
                : PasswordVerificationResult.SuccessRehashNeeded;
        }

        if (!TryParse(hashedPassword, out var memoryKib, out var iterations, out var salt, out var expected))
        {
            return PasswordVerificationResult.Failed;
        }

        var actual = Derive(providedPassword, salt, memoryKib, iterations, expected.Length);
        if (!CryptographicOperations.FixedTimeEquals(actual, expected))
        {
            return PasswordVerificationResult.Failed;
        }

        return memoryKib == Current.MemoryKib && iterations == Current.Iterations
            ? PasswordVerificationResult.Success
            : PasswordVerificationResult.SuccessRehashNeeded;
    }

    private static byte[] Derive(string password, byte[] salt, int memoryKib, int iterations, int size = HashSize)
    {
        var algorithm = PasswordBasedKeyDerivationAlgorithm.Argon2id(
            new Argon2Parameters { DegreeOfParallelism = 1, MemorySize = memoryKib, NumberOfPasses = iterations });
        return algorithm.DeriveBytes(Encoding.UTF8.GetBytes(password.Normalize(NormalizationForm.FormC)), salt, size);
    }

    // $argon2id$v=19$m=<kib>,t=<iterations>,p=1$<salt>$<hash>
    private static bool TryParse(string phc, out int memoryKib, out int iterations, out byte[] salt, out byte[] hash)
    {
        (memoryKib, iterations, salt, hash) = (0, 0, [], []);
        var parts = phc[Prefix.Length..].Split('$');
        if (parts is not [var parameters, var encodedSalt, var encodedHash] || parameters.Split(',') is not [var m, var t, "p=1"])
        {
            return false;
        }

        try
        {
            (salt, hash) = (Decode(encodedSalt), Decode(encodedHash));
        }
        catch (FormatException)
        {
            return false;
        }

        return m.StartsWith("m=", StringComparison.Ordinal) && int.TryParse(m[2..], NumberStyles.None, CultureInfo.InvariantCulture, out memoryKib)
            && t.StartsWith("t=", StringComparison.Ordinal) && int.TryParse(t[2..], NumberStyles.None, CultureInfo.InvariantCulture, out iterations)
            && salt.Length == SaltSize && hash.Length > 0;
    }

    // PHC strings use standard base64 without padding.
    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static byte[] Decode(string text) => Convert.FromBase64String(text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '='));
}
