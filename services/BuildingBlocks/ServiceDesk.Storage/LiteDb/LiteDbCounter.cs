using LiteDB;

namespace ServiceDesk.Storage.LiteDb;

/// <summary>Per-key counters in a collection of <c>{ _id: key, field: count }</c> documents, counted inside the caller's transaction.</summary>
public sealed class LiteDbCounter(ILiteCollection<BsonDocument> counters, string field)
{
    private readonly BsonExpression _increment = BsonExpression.Create($"{{ {field}: $.{field} + 1 }}");

    /// <summary>
    /// The key's count after adding one (1 for a new key). The update takes the collection's write lock before it reads,
    /// so two writers never take the same count. A key's first count inserts its document, which a concurrent first
    /// count of the same key can meet as a duplicate key (<see cref="LiteException.INDEX_DUPLICATE_KEY"/>): whether to
    /// retry is the caller's.
    /// </summary>
    public long Next(string key)
    {
        if (counters.UpdateMany(_increment, ParsedExpression.ById.With(key)) == 0)
        {
            counters.Insert(new BsonDocument { ["_id"] = key, [field] = 1L });
        }

        // Updated or inserted just above.
        return counters.FindOneById(key)![field].AsInt64;
    }

    /// <summary>The key's count, 0 before its first.</summary>
    public long Read(string key) => counters.FindOneById(key)?[field].AsInt64 ?? 0;

    /// <summary>Every key's count.</summary>
    public IReadOnlyDictionary<string, long> ReadAll() =>
        counters.FindAll().ToDictionary(document => document["_id"].AsString, document => document[field].AsInt64, StringComparer.Ordinal);
}
