using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace ServiceDesk.LocalRun;

/// <summary>
/// A secret of the local run kept in its data directory: generated on the first run, readable by its owner only,
/// and reused afterwards, so what was protected with it (keys wrapped in the stores, events in Redis's AOF) stays
/// usable after a restart.
/// </summary>
public static partial class SecretFile
{
    /// <summary>The key-encryption key (<c>KeyProtection:Key</c>) of the two services that store keys, and of Ticketing's page tokens.</summary>
    public const string KeyEncryptionKey = "key-protection.key";


    /// <summary>The local Redis's password (<c>requirepass</c>), which every service and tool connecting to it needs.</summary>
    public const string RedisPassword = "redis-password.key";

    /// <summary>The tombstone pepper (<c>Erasure:TombstonePepper</c>): erased addresses' hashes in every store are keyed with it.</summary>
    public const string TombstonePepper = "tombstone-pepper.key";

    /// <summary>A backend's own event signing key (<c>Messaging:SigningKey</c>): the others verify its events with the public half.</summary>
    public static string EventSigningKey(string service) => $"messaging-{service}.key";

    /// <summary>open(2)'s O_RDONLY, which opens a directory on Linux and macOS alike (O_DIRECTORY's value differs by architecture).</summary>
    private const int ReadOnly = 0;

    /// <summary>
    /// Base64 of 32 random bytes (or what <paramref name="create"/> makes) from <paramref name="fileName"/> in
    /// <paramref name="dataDirectory"/>, created (mode 0600) when there is none. It is written whole to a temporary file and then moved into place, so a run killed while
    /// writing leaves no empty or partial secret for every later run to use; the directory is then flushed, so a power
    /// loss does not take back the move of a secret that has already protected data.
    /// </summary>
    public static async Task<string> ReadOrCreateAsync(string dataDirectory, string fileName, CancellationToken cancellationToken, Func<byte[]>? create = null)
    {
        var path = Path.Combine(dataDirectory, fileName);
        if (!File.Exists(path))
        {
            var temporary = path + ".tmp";
            // Left by a run killed before its move, if any.
            File.Delete(temporary);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using (var file = new FileStream(temporary, options))
            {
                await file.WriteAsync(Encoding.ASCII.GetBytes(Convert.ToBase64String(create?.Invoke() ?? RandomNumberGenerator.GetBytes(32))), cancellationToken);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path);
            if (!OperatingSystem.IsWindows())
            {
                FlushDirectory(dataDirectory);
            }
        }

        return (await File.ReadAllTextAsync(path, cancellationToken)).Trim();
    }

    /// <summary>fsync(2) of the directory, which .NET offers no handle for: what makes a rename in it durable.</summary>
    private static void FlushDirectory(string directory)
    {
        var descriptor = Open(directory, ReadOnly);
        if (descriptor < 0)
        {
            throw new IOException($"Could not open {directory} to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(descriptor) != 0)
            {
                throw new IOException($"Could not flush {directory} (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int descriptor);
}
