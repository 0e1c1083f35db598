using LiteDB;

namespace ServiceDesk.Storage.LiteDb;

/// <summary>
/// A LiteDB file opened by one process alone (a direct connection), holding an exclusive lock on <c>&lt;file&gt;.lock</c>
/// from before the open until disposed. LiteDB's direct mode takes no lock of its own: a second process (a second local
/// run on the same data directory, a second replica on one volume) opened the file beside the first, and both wrote it,
/// each replaying and checkpointing the other's log as its own. The lock is a <see cref="FileLock"/>: readers of the
/// directory's files are not stopped by it.
/// </summary>
internal sealed class LockedLiteDatabase : LiteDatabase
{
    private readonly FileStream _fileLock;

    private LockedLiteDatabase(ConnectionString connection, BsonMapper mapper, FileStream fileLock)
        : base(connection, mapper) => _fileLock = fileLock;

    /// <summary>An <see cref="IOException"/> saying what to do when another process holds the lock.</summary>
    public static LockedLiteDatabase Open(ConnectionString connection, BsonMapper mapper)
    {
        var fileLock = Lock(connection.Filename);
        try
        {
            return new LockedLiteDatabase(connection, mapper, fileLock);
        }
        catch
        {
            fileLock.Dispose();
            throw;
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _fileLock.Dispose();
        }
    }

    private static FileStream Lock(string filename)
    {
        var lockFile = filename + ".lock";
        return FileLock.TryAcquire(lockFile) ?? throw new IOException(
            $"The LiteDB file {filename} is open in another process ({lockFile} is locked). Stop that process, " +
            "or give each process a data directory of its own (Storage:DataDirectory); processes that must share " +
            "one file open it with Storage:LiteDbConnection=Shared.");
    }
}
