using System.Globalization;
using LiteDB;

namespace ServiceDesk.Storage.LiteDb;

public static class LiteDbFiles
{
    /// <summary>
    /// Opens (creating if needed) the service's LiteDB file under the data directory, and checkpoints it: a process
    /// stopped between a commit and its checkpoint (a crash after a removal committed) left the old bytes of what it
    /// deleted in the file, and LiteDB only replays its log at open. A direct connection holds the file's lock
    /// (<see cref="LockedLiteDatabase"/>) from before the open until the database is disposed.
    /// </summary>
    public static LiteDatabase Open(StorageOptions options, string serviceName)
    {
        Directory.CreateDirectory(options.DataDirectory);
        var connection = new ConnectionString
        {
            Filename = Path.Combine(options.DataDirectory, $"{serviceName}.db"),
            Connection = options.LiteDbConnection == LiteDbConnectionMode.Shared ? ConnectionType.Shared : ConnectionType.Direct,
            // Index order is persisted in the file: it must not follow the culture or the ICU version of the
            // machine that happens to open it. Stores put normalised keys in indexes, so ordinal order is the order.
            Collation = new Collation(CultureInfo.InvariantCulture.LCID, CompareOptions.OrdinalIgnoreCase),
        };
        var database = connection.Connection == ConnectionType.Direct
            ? LockedLiteDatabase.Open(connection, StoreMapper.Create())
            : new LiteDatabase(connection, StoreMapper.Create());
        try
        {
            // Dates come back as stored (UTC), not converted to the machine's local time.
            database.UtcDate = true;
            database.Checkpoint();
            return database;
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }
}
