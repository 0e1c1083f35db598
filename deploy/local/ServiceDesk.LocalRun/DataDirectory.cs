using System.Runtime.InteropServices;

namespace ServiceDesk.LocalRun;

/// <summary>
/// Everything the run writes under the data directory (stores, logs, Redis's AOF, the mail pickup's letters) holds
/// personal data, and its secrets (the key-encryption key, the Redis password, a first admin's password) are read back
/// from it on the next run. So the directory must be the user's own and closed to others, and every file written in
/// it is created readable by its owner only.
/// </summary>
public static partial class DataDirectory
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const uint OthersMayNotAccess = 0b000_111_111;
    private const int RelativeToWorkingDirectory = -100;
    private const uint WantOwner = 0x8;

    /// <summary>
    /// Creates the directory (mode 0700), or narrows one of the user's own that others may open to 0700, and makes
    /// every file this process and the services it starts create owner-only (umask 077).
    /// </summary>
    /// <returns>
    /// Why the run cannot use the directory: it cannot be created, or it belongs to another user, who could read what the
    /// run writes and plant the secrets it reads.
    /// </returns>
    public static string? Prepare(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return null;
        }

        _ = SetFileCreationMask(OthersMayNotAccess);
        DirectoryInfo directory;
        try
        {
            directory = Directory.CreateDirectory(path, OwnerOnly);
        }
        catch (Exception error) when (error is UnauthorizedAccessException or IOException)
        {
            return $"{path} cannot be created or used: {error.Message}";
        }

        var owner = OwnerOf(path);
        if (owner != EffectiveUserId())
        {
            return $"{path} belongs to another user (uid {owner}), who could read the personal data the run writes there and plant the secrets it reads back. Choose a directory of your own with --data-dir.";
        }

        if ((directory.UnixFileMode & ~OwnerOnly) != 0)
        {
            Console.WriteLine($"Note: {path} was open to other users (mode {Convert.ToString((int)directory.UnixFileMode, 8)}); set to 700, as its files hold personal data.");
            File.SetUnixFileMode(path, OwnerOnly);
        }

        return null;
    }

    private static uint OwnerOf(string path)
    {
        var status = default(FileStatus);
        return Statx(RelativeToWorkingDirectory, path, 0, WantOwner, ref status) == 0
            ? status.Owner
            : throw new IOException($"Could not read the owner of {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}.");
    }

    /// <summary>The start of Linux's <c>struct statx</c>, whose layout is the same on every architecture; the kernel writes 256 bytes.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    private struct FileStatus
    {
        public uint Mask;
        public uint BlockSize;
        public ulong Attributes;
        public uint LinkCount;
        public uint Owner;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int directory, string path, int flags, uint mask, ref FileStatus status);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint EffectiveUserId();

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial uint SetFileCreationMask(uint mask);
}
