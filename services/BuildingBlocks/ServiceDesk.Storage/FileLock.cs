using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ServiceDesk.Storage;

/// <summary>
/// An exclusive lock on a file, held by one open file until it is disposed, and let go by the operating system however
/// the process ends. On Linux it is an open file description lock (<c>fcntl F_OFD_SETLK</c>), not the <c>flock</c> .NET
/// takes for <see cref="FileShare.None"/>: .NET takes a shared <c>flock</c> on every file it opens to read, so an
/// exclusive one made the locked file unreadable to every .NET reader (a raw-byte scan of the data directory, a backup
/// tool), while a record lock stops only another would-be holder. It binds the open file, not the process, so a second
/// attempt in the same process is refused too, and closing some other handle to the file keeps it.
/// </summary>
public static partial class FileLock
{
    private const int SetOpenFileDescriptionLock = 37;
    private const short WriteLock = 1;
    private const int TryAgain = 11;
    private const int AccessDenied = 13;

    /// <summary>The locked file (created if missing), or null while another holder has it.</summary>
    public static FileStream? TryAcquire(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                return null;
            }
        }

        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        // Start 0 and length 0: the whole file, however long it grows.
        var wholeFile = new RecordLock { Type = WriteLock };
        if (Fcntl(file.SafeFileHandle, SetOpenFileDescriptionLock, ref wholeFile) == 0)
        {
            return file;
        }

        var error = Marshal.GetLastPInvokeError();
        file.Dispose();
        return error is TryAgain or AccessDenied ? null : throw new IOException($"Could not lock {path}: {Marshal.GetPInvokeErrorMessage(error)}.");
    }

    /// <summary>Linux's <c>struct flock</c>; <c>l_pid</c> must be 0 for an open file description lock.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct RecordLock
    {
        public short Type;
        public short Whence;
        public long Start;
        public long Length;
        public int Pid;
    }

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(SafeFileHandle file, int command, ref RecordLock recordLock);
}
