using LiteDB;

namespace ServiceDesk.Storage.LiteDb;

public static class LiteDbCollections
{
    private const string Placeholder = "$created";
    private const string LockId = "$lock";

    /// <summary>
    /// A collection that exists in the data file before it is returned. LiteDB 5.0.21 creates a collection on its first
    /// write, and a read of it at that moment can find an empty page, fail with "page type must be collection page" and
    /// close the database for good (litedb-org/LiteDB#2792): Ticketing answered INTERNAL to every call after a customer's
    /// first snapshot was written while a ticket read the snapshots. LiteDB has no call that only creates a collection,
    /// so one placeholder document is written and deleted in one transaction while the store is built.
    /// </summary>
    public static ILiteCollection<BsonDocument> GetCreatedCollection(this LiteDatabase database, string name)
    {
        Create(database, name);
        return database.GetCollection(name);
    }

    /// <summary>
    /// A created (see <see cref="GetCreatedCollection"/>) typed collection whose document type is mapped completely
    /// before it is returned. LiteDB 5.0.21 maps a type, and each type inside it (a dictionary member, say), on first use
    /// and shares the mapping before it is complete: two first reads at once failed an erasure with "Collection was
    /// modified" in <c>BsonMapper.GetTypeCtor</c> (fixed upstream in 5.0.22, which is not served here). One default
    /// document written and read back here, while the store is built, maps them all.
    /// </summary>
    public static ILiteCollection<T> GetMappedCollection<T>(this LiteDatabase database, string name, BsonAutoId autoId = BsonAutoId.ObjectId)
    {
        Create(database, name);
        database.Mapper.ToObject<T>(database.Mapper.ToDocument(Activator.CreateInstance<T>()));
        return database.GetCollection<T>(name, autoId);
    }

    /// <summary>
    /// Whether a document matches <paramref name="predicate"/>, by reading the first match. LiteDB's <c>Exists</c> runs an
    /// aggregate instead (<c>{ exists: ANY(*._id) }</c>) whose expression it parses on every call: in a profile of
    /// removals that parse was about a quarter of the CPU of the inbox check every delivered event makes.
    /// </summary>
    public static bool AnyMatches<T>(this ILiteCollection<T> collection, BsonExpression predicate) => collection.Find(predicate, limit: 1).Any();

    /// <summary>
    /// The document with this id, or null. LiteDB's <c>FindById</c> parses <c>_id = @0</c> on every call; this reads
    /// through <see cref="ParsedExpression.ById"/>, parsed once per thread.
    /// </summary>
    public static T? FindOneById<T>(this ILiteCollection<T> collection, BsonValue id) => collection.FindOne(ParsedExpression.ById.With(id));

    /// <summary>
    /// Takes the collection's write lock in the caller's transaction without writing: LiteDB takes it at the
    /// transaction's first write to the collection, here the delete of an id no document has. What the transaction
    /// reads of the collection afterwards is what every writer committed before, and no other writer commits until it
    /// ends. A check before a write needs it: read without the lock, from the snapshot LiteDB takes at the first read, a
    /// version compared there may be one another transaction is replacing, which then commits unseen and is
    /// overwritten.
    /// </summary>
    public static void LockForWrite<T>(this ILiteCollection<T> collection) => collection.Delete(LockId);

    private static void Create(LiteDatabase database, string name)
    {
        if (database.CollectionExists(name))
        {
            return;
        }

        database.InTransaction(() =>
        {
            var collection = database.GetCollection(name);
            collection.Upsert(new BsonDocument { ["_id"] = Placeholder });
            collection.Delete(Placeholder);
        });
    }
}
