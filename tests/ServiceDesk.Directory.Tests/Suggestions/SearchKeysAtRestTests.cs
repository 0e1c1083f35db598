using LiteDB;
using ServiceDesk.Directory.Customers;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Storage;
using ServiceDesk.Storage.LiteDb;
using ServiceDesk.Testing;
using ServiceDesk.Testing.Forensics;
using Xunit;

namespace ServiceDesk.Directory.Tests.Suggestions;

/// <summary>
/// The picker's search keys (folded names and addresses) live only in memory: Directory's file holds none, and a
/// file from before keeps none after the store opens it once.
/// </summary>
public sealed class SearchKeysAtRestTests
{
    // The folded forms differ from the stored profile ("Zoë Ångström"), so finding one means a search key is stored.
    private static readonly string[] FoldedTerms = ["zoe angstrom", "asa oberg"];

    [Fact]
    public async Task Directorys_file_holds_no_search_key_of_a_stored_or_renamed_customer()
    {
        var dataDirectory = TestDirectory.Create("search-keys-at-rest");
        using (var database = Open(dataDirectory))
        {
            var customers = new LiteDbCustomerStore(database, new LiteDbOutboxStore(database), TestData.Pepper);
            var zoe = TestData.Customer("zoe.angstrom@fjord.example", "Zoë Ångström", projectKeys: "HELP");
            await customers.InsertAsync(zoe, [], CancellationToken.None);
            Assert.NotNull(await customers.ReplaceAsync(zoe with { DisplayName = "Åsa Öberg", Version = 2 }, 1, [], CancellationToken.None));
            database.Checkpoint();
        }

        Assert.NotEmpty(ForensicScan.Files([dataDirectory], ["Åsa Öberg"]));
        Assert.Empty(ForensicScan.Files([dataDirectory], FoldedTerms));
    }

    [Fact]
    public async Task A_file_written_with_search_entries_loses_them_when_the_store_first_opens_it()
    {
        var dataDirectory = TestDirectory.Create("search-keys-legacy");
        var zoe = TestData.Customer("zoe.angstrom@fjord.example", "Zoë Ångström", projectKeys: "HELP");
        using (var database = Open(dataDirectory))
        {
            // What the store wrote before: a "customer_search" collection and copies of the keys in the document.
            await new LiteDbCustomerStore(database, new LiteDbOutboxStore(database), TestData.Pepper).InsertAsync(zoe, [], CancellationToken.None);
            var document = database.GetCollection("customers").FindById(zoe.Id);
            document["SearchKeys"] = new BsonArray(new BsonValue("HELP n zoe angstrom"), new BsonValue("HELP a fjord.example"));
            document["ProjectNameOrder"] = new BsonArray(new BsonValue("HELP\u0001zoe angstrom\u0001" + zoe.Id));
            database.GetCollection("customers").Update(document);
            database.GetCollection("customers").EnsureIndex("project_name_order", "$.ProjectNameOrder[*]");
            database.GetCollection("customer_search").Insert(new BsonDocument { ["_id"] = $"HELP n zoe angstrom\u0001zoe angstrom\u0001{zoe.Id}" });
            database.Checkpoint();
        }

        Assert.NotEmpty(ForensicScan.Files([dataDirectory], ["zoe angstrom"]));

        using (var database = Open(dataDirectory))
        {
            var customers = new LiteDbCustomerStore(database, new LiteDbOutboxStore(database), TestData.Pepper);
            Assert.False(database.CollectionExists("customer_search"));
            Assert.Equal(zoe.DisplayName, (await customers.GetAsync(zoe.Id, CancellationToken.None))!.DisplayName);
        }

        Assert.Empty(ForensicScan.Files([dataDirectory], FoldedTerms));
    }

    private static LiteDatabase Open(string dataDirectory) => LiteDbFiles.Open(new StorageOptions { DataDirectory = dataDirectory }, "directory");
}
