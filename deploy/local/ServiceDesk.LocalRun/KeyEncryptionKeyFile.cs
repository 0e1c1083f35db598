using System.Security.Cryptography;

namespace ServiceDesk.LocalRun;

/// <summary>
/// The local run's key-encryption key (<c>KeyProtection:Key</c>): generated into the data directory on the first
/// run, readable by its owner only, and reused afterwards, so the keys the stores wrapped under it stay usable.
/// </summary>
public static class KeyEncryptionKeyFile
{
    public const string FileName = "key-protection.key";

    /// <summary>The base64 KEK from <paramref name="dataDirectory"/>, created (mode 0600) when there is none.</summary>
    public static async Task<string> ReadOrCreateAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using var file = new FileStream(path, options);
            await using var writer = new StreamWriter(file);
            await writer.WriteAsync(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).AsMemory(), cancellationToken);
        }

        return (await File.ReadAllTextAsync(path, cancellationToken)).Trim();
    }
}
