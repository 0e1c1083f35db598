using LiteDB;
using ServiceDesk.Storage.LiteDb;

namespace ServiceDesk.Messaging.Erasure;

/// <summary>The lookup of <see cref="MentionTokens"/> in a LiteDB collection indexed on <c>$.MentionTokens[*]</c>, and of the records without current tokens.</summary>
public static class LiteDbMentionSearch
{
    private const string HoldingText = "$.MentionTokens[*] ANY = @0";

    /// <summary>For the counts only, which read to the end at once; a lazy <c>Find</c> gets an expression of its own.</summary>
    private static readonly ParsedExpression HoldingToken = new(HoldingText);

    // Parsed once; it has no parameter to change.
    private static readonly BsonExpression IdOnly = BsonExpression.Create("$._id");

    /// <summary>The documents holding every token of one of the sets, read through the rarest token of each set.</summary>
    public static IEnumerable<BsonDocument> FindHoldingAll(this ILiteCollection<BsonDocument> collection, IEnumerable<IReadOnlyList<string>> tokenSets) =>
        tokenSets.Where(tokens => tokens.Count > 0).SelectMany(tokens =>
        {
            var rarest = MentionTokens.Rarest(tokens, (token, limit) => collection.CountUpTo(HoldingToken.With(token), limit));
            return collection.Find(Holding(rarest)).Where(document =>
            {
                var held = document["MentionTokens"].AsArray.Select(token => token.AsString).ToHashSet(StringComparer.Ordinal);
                return tokens.All(held.Contains);
            });
        });

    /// <summary>
    /// Up to <paramref name="limit"/> documents written without current tokens (no <c>MentionIndex</c>, or one below
    /// <paramref name="version"/>: the collection's, which is <see cref="MentionTokens.Version"/> where it takes no other).
    /// </summary>
    public static IEnumerable<BsonDocument> FindUnindexed(this ILiteCollection<BsonDocument> collection, int limit, int version = MentionTokens.Version) =>
        collection.Find(BsonExpression.Create("$.MentionIndex < @0", version), limit: limit);

    /// <summary>
    /// LiteDB reads each document even to count (its index-key-only loader skips multikey indexes), but one selecting
    /// <c>_id</c> deserializes only that and the filtered field, not the texts.
    /// </summary>
    private static int CountUpTo(this ILiteCollection<BsonDocument> collection, BsonExpression predicate, int limit) =>
        collection.Query().Where(predicate).Select(IdOnly).Limit(limit).ToEnumerable().Count();

    private static BsonExpression Holding(string token) => BsonExpression.Create(HoldingText, token);
}
