using LiteDB;
using ServiceDesk.Storage.LiteDb;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Hosting.Tests.Storage;

public sealed class ParsedExpressionTests
{
    private static readonly ParsedExpression AtVersion = new("_id = @0 AND Version = @1");

    /// <summary>
    /// One parsed instance per thread: another thread giving the expression its own values between this thread's
    /// <c>With</c> and its query changes nothing here.
    /// </summary>
    [Fact]
    public void Values_given_on_another_thread_do_not_reach_this_threads_query()
    {
        using var database = StoreBackends.NewLiteDatabase();
        var collection = database.GetCreatedCollection("documents");
        collection.InsertBulk([new BsonDocument { ["_id"] = "jane", ["Version"] = 1 }, new BsonDocument { ["_id"] = "john", ["Version"] = 2 }]);

        var mine = AtVersion.With("jane", 1);
        BsonExpression? theirs = null;
        var other = new Thread(() => theirs = AtVersion.With("john", 2));
        other.Start();
        other.Join();

        Assert.NotSame(mine, theirs);
        Assert.Equal("jane", collection.FindOne(mine)["_id"].AsString);
    }

    /// <summary>
    /// Threads looking up different documents through the same expression at once each find their own, and a delete
    /// through it removes only the document it names.
    /// </summary>
    [Fact]
    public async Task Threads_using_one_expression_at_once_each_get_the_document_their_values_name()
    {
        using var database = StoreBackends.NewLiteDatabase();
        var collection = database.GetCreatedCollection("documents");
        collection.InsertBulk(Enumerable.Range(0, 50).Select(i => new BsonDocument { ["_id"] = $"d{i}", ["Version"] = i }));

        await Task.WhenAll(Enumerable.Range(0, 8).Select(thread => Task.Run(() =>
        {
            for (var round = 0; round < 200; round++)
            {
                var i = (thread * 7 + round) % 50;
                Assert.Equal(i, collection.FindOne(ParsedExpression.ById.With($"d{i}"))["Version"].AsInt32);
                Assert.True(collection.AnyMatches(AtVersion.With($"d{i}", i)));
                Assert.False(collection.AnyMatches(AtVersion.With($"d{i}", i + 1)));
            }
        })));

        Assert.Equal(1, collection.DeleteMany(AtVersion.With("d7", 7)));
        Assert.Equal(0, collection.DeleteMany(AtVersion.With("d8", 7)));
        Assert.Equal(49, collection.Count());
    }
}
