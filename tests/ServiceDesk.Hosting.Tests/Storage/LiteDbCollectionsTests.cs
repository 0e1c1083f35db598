using LiteDB;
using ServiceDesk.Storage.LiteDb;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Hosting.Tests.Storage;

public sealed class LiteDbCollectionsTests
{
    /// <summary>
    /// LiteDB 5.0.21 creates a collection on its first write; a read of it at that moment could fail with "page type must
    /// be collection page" and close the database for good (litedb-org/LiteDB#2792): Ticketing answered INTERNAL to
    /// every call after a customer's first snapshot was written while a ticket read the snapshots.
    /// </summary>
    [Fact]
    public async Task A_collection_read_while_its_first_document_is_written_keeps_the_database_open()
    {
        for (var round = 0; round < 100; round++)
        {
            using var database = StoreBackends.NewLiteDatabase();
            var collection = database.GetCreatedCollection("snapshots");
            using var written = new ManualResetEventSlim();
            var readers = Enumerable.Range(0, 3).Select(reader => Task.Run(() =>
            {
                while (!written.IsSet)
                {
                    _ = collection.Exists(BsonExpression.Create("_id = @0", "jane"));
                }
            })).ToList();
            await Task.Run(() =>
            {
                collection.Insert(new BsonDocument { ["_id"] = "jane" });
                written.Set();
            });
            await Task.WhenAll(readers);

            Assert.True(collection.Exists(BsonExpression.Create("_id = @0", "jane")), $"round {round}");
        }
    }

    [Fact]
    public void A_created_collection_is_empty_and_creating_it_again_keeps_its_documents()
    {
        using var database = StoreBackends.NewLiteDatabase();

        var created = database.GetCreatedCollection("snapshots");
        Assert.True(database.CollectionExists("snapshots"));
        Assert.Equal(0, created.Count());

        created.Insert(new BsonDocument { ["_id"] = "jane" });
        var again = database.GetMappedCollection<Snapshot>("snapshots");
        Assert.Equal("jane", Assert.Single(again.FindAll()).Id);
    }

    private sealed class Snapshot
    {
        public string Id { get; set; } = "";
    }

    [Fact]
    public void AnyMatches_answers_whether_a_document_matches_through_the_index_or_a_scan()
    {
        using var database = StoreBackends.NewLiteDatabase();
        var collection = database.GetCreatedCollection("inbox");
        collection.EnsureIndex("family", "$.Family");
        collection.Insert(new BsonDocument { ["_id"] = "e1", ["Family"] = "erasure", ["Attempts"] = 2 });
        collection.Insert(new BsonDocument { ["_id"] = "e2", ["Family"] = "tickets", ["Attempts"] = 1 });

        Assert.True(collection.AnyMatches(BsonExpression.Create("_id = @0", "e2")));
        Assert.False(collection.AnyMatches(BsonExpression.Create("_id = @0", "e3")));
        Assert.True(collection.AnyMatches(BsonExpression.Create("$.Family = @0 AND $.Attempts >= @1", "erasure", 2)));
        Assert.False(collection.AnyMatches(BsonExpression.Create("$.Family = @0 AND $.Attempts >= @1", "tickets", 2)));
        Assert.False(database.GetCreatedCollection("empty").AnyMatches(BsonExpression.Create("_id = @0", "e1")));
    }
}
