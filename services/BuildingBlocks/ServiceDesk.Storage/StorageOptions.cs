namespace ServiceDesk.Storage;

/// <summary>Configuration section <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Where LiteDB files live: one file per service, &lt;service&gt;.db.</summary>
    public string DataDirectory { get; set; } = ".data";

    /// <summary>
    /// <c>direct</c> when one process owns the file (fastest); <c>shared</c> when several processes, such as two
    /// replicas of one service on one machine, open the same file.
    /// </summary>
    public LiteDbConnectionMode LiteDbConnection { get; set; } = LiteDbConnectionMode.Direct;

    /// <summary>A MongoDB connection string; when set, MongoDB is the store instead of LiteDB.</summary>
    public string? MongoUrl { get; set; }

    /// <summary>The MongoDB database; defaults to <c>servicedesk-&lt;service&gt;</c>.</summary>
    public string? MongoDatabase { get; set; }

    public StorageBackend Backend => string.IsNullOrWhiteSpace(MongoUrl) ? StorageBackend.LiteDb : StorageBackend.MongoDb;
}

public enum StorageBackend
{
    LiteDb,
    MongoDb,
}

public enum LiteDbConnectionMode
{
    Direct,
    Shared,
}
