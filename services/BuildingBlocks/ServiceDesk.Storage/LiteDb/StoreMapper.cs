using LiteDB;

namespace ServiceDesk.Storage.LiteDb;

internal static class StoreMapper
{
    /// <summary>A mapper per database: registrations on the global one would leak between services in one process (tests).</summary>
    public static BsonMapper Create() => new() { EnumAsInteger = false, TrimWhitespace = false, EmptyStringToNull = false };
}
