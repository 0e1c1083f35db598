using LiteDB;

namespace ServiceDesk.Storage.LiteDb;

public static class LiteDbCollections
{
    /// <summary>
    /// A typed collection whose document type is mapped completely before it is returned. LiteDB 5.0.21 maps a type,
    /// and each type inside it (a dictionary member, say), on first use and shares the mapping before it is complete:
    /// two first reads at once failed an erasure with "Collection was modified" in <c>BsonMapper.GetTypeCtor</c> (fixed
    /// upstream in 5.0.22, which is not served here). One default document written and read back here, while the store
    /// is built, maps them all.
    /// </summary>
    public static ILiteCollection<T> GetMappedCollection<T>(this LiteDatabase database, string name, BsonAutoId autoId = BsonAutoId.ObjectId)
    {
        database.Mapper.ToObject<T>(database.Mapper.ToDocument(Activator.CreateInstance<T>()));
        return database.GetCollection<T>(name, autoId);
    }
}
