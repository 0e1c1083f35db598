using LiteDB;
using ServiceDesk.Storage;
using ServiceDesk.Storage.LiteDb;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Hosting.Tests.Storage;

/// <summary>
/// LiteDB's direct mode takes no lock: a second local run on the same data directory opened every service's file beside
/// the first, and both wrote them.
/// </summary>
public sealed class LiteDbFilesTests
{
    [Fact]
    public void A_file_open_directly_is_refused_to_a_second_opener_with_what_to_do_and_the_first_keeps_it()
    {
        var options = new StorageOptions { DataDirectory = TestDirectory.Create("litedb-lock") };
        using var first = LiteDbFiles.Open(options, "directory");
        first.GetCollection("customers").Insert(new BsonDocument { ["_id"] = "jane" });

        var refused = Assert.Throws<IOException>(() => LiteDbFiles.Open(options, "directory"));

        Assert.Contains(Path.Combine(options.DataDirectory, "directory.db"), refused.Message, StringComparison.Ordinal);
        Assert.Contains("Storage:LiteDbConnection=Shared", refused.Message, StringComparison.Ordinal);
        first.GetCollection("customers").Insert(new BsonDocument { ["_id"] = "john" });
        Assert.Equal(2, first.GetCollection("customers").Count());
    }

    /// <summary>
    /// The first lock was <c>flock</c>'s, exclusive: .NET takes a shared one on every file it opens to read, and a raw-byte
    /// scan of the data directory could no longer read the lock file.
    /// </summary>
    [Fact]
    public void Every_file_of_the_directory_stays_readable_while_the_file_is_held()
    {
        var options = new StorageOptions { DataDirectory = TestDirectory.Create("litedb-lock") };
        using var holder = LiteDbFiles.Open(options, "notification");
        holder.GetCollection("deliveries").Insert(new BsonDocument { ["_id"] = "d-1" });

        var files = System.IO.Directory.GetFiles(options.DataDirectory);

        Assert.Contains(Path.Combine(options.DataDirectory, "notification.db.lock"), files);
        Assert.All(files, file => Assert.NotNull(File.ReadAllBytes(file)));
        Assert.Throws<IOException>(() => LiteDbFiles.Open(options, "notification"));
    }

    [Fact]
    public void A_file_closed_by_its_holder_opens_again_with_its_documents()
    {
        var options = new StorageOptions { DataDirectory = TestDirectory.Create("litedb-lock") };
        using (var first = LiteDbFiles.Open(options, "ticketing"))
        {
            first.GetCollection("tickets").Insert(new BsonDocument { ["_id"] = "HELP-1" });
        }

        using var again = LiteDbFiles.Open(options, "ticketing");

        Assert.True(again.GetCollection("tickets").Exists(BsonExpression.Create("_id = @0", "HELP-1")));
    }

    [Fact]
    public void Files_of_other_services_in_one_directory_and_shared_connections_to_one_file_open_side_by_side()
    {
        var directory = TestDirectory.Create("litedb-lock");
        var direct = new StorageOptions { DataDirectory = directory };
        var shared = new StorageOptions { DataDirectory = directory, LiteDbConnection = LiteDbConnectionMode.Shared };
        using var identity = LiteDbFiles.Open(direct, "identity");
        using var notification = LiteDbFiles.Open(direct, "notification");
        using var one = LiteDbFiles.Open(shared, "directory");
        using var other = LiteDbFiles.Open(shared, "directory");

        one.GetCollection("customers").Insert(new BsonDocument { ["_id"] = "jane" });

        Assert.Equal(1, other.GetCollection("customers").Count());
    }
}
