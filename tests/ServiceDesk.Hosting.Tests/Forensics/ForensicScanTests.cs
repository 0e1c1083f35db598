using System.Text;
using LiteDB;
using ServiceDesk.Storage;
using ServiceDesk.Storage.LiteDb;
using ServiceDesk.Testing;
using ServiceDesk.Testing.Forensics;
using StackExchange.Redis;
using Xunit;

namespace ServiceDesk.Hosting.Tests.Forensics;

[Collection(RedisCollection.Name)]
public sealed class ForensicScanTests(RedisFixture redis)
{
    private const string Address = "Jane.Roe@OldCo.example";
    private const string Name = "Zoë Roe";

    [Fact]
    public void Finds_a_string_in_any_letter_case_in_utf8_and_utf16_and_reports_where()
    {
        var directory = TestDirectory.Create("forensics");
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "nested"));
        File.WriteAllBytes(Path.Combine(directory, "upper.bin"), [0, 1, .. Encoding.UTF8.GetBytes("xxJANE.ROE@OLDCO.EXAMPLExx"), 0]);
        File.WriteAllBytes(Path.Combine(directory, "nested", "wide.bin"), Encoding.Unicode.GetBytes("jane.roe@oldco.example and ZOË ROE"));
        File.WriteAllText(Path.Combine(directory, "clean.log"), "nothing personal here: jane.roe@newco.example");

        var findings = ForensicScan.Files([directory], [Address, Name]);

        Assert.Equal(3, findings.Count);
        Assert.Contains(findings, f => f.Where.EndsWith("upper.bin", StringComparison.Ordinal) && f is { Needle: Address, Encoding: "utf-8", Offset: 4 });
        Assert.Contains(findings, f => f.Where.EndsWith("wide.bin", StringComparison.Ordinal) && f is { Needle: Address, Encoding: "utf-16" });
        Assert.Contains(findings, f => f.Where.EndsWith("wide.bin", StringComparison.Ordinal) && f is { Needle: Name, Encoding: "utf-16" });
    }

    /// <summary>A letter's temporary file, which its writer holds alone while it writes it, is read once written.</summary>
    [Fact]
    public async Task A_file_its_writer_holds_alone_is_read_once_written()
    {
        var directory = TestDirectory.Create("forensics-locked");
        var writer = new FileStream(Path.Combine(directory, "letter.eml.tmp"), FileMode.CreateNew, FileAccess.Write, FileShare.None);
        writer.Write(Encoding.UTF8.GetBytes($"To: {Address}"));
        writer.Flush();

        var scanning = Task.Run(() => ForensicScan.Files([directory], [Address]));
        var first = await Task.WhenAny(scanning, Task.Delay(TimeSpan.FromMilliseconds(300)));
        await writer.DisposeAsync();

        Assert.NotSame(scanning, first);
        Assert.Single(await scanning);
    }

    // The erasure of a LiteDB store relies on this: a checkpoint leaves no trace of deleted or overwritten
    // documents, index keys included, in the data file or its log.
    [Fact]
    public void A_litedb_file_keeps_a_deleted_document_until_checkpoint_and_nothing_after()
    {
        var directory = TestDirectory.Create("forensics-litedb");
        using var database = LiteDbFiles.Open(new StorageOptions { DataDirectory = directory }, "scan");
        var customers = database.GetCollection("customers");
        customers.EnsureIndex("address", "$.Address", unique: true);
        for (var i = 0; i < 100; i++)
        {
            customers.Insert(new BsonDocument { ["_id"] = $"c{i}", ["Address"] = $"user{i}@example.org", ["Name"] = $"User {i}" });
        }

        customers.Insert(new BsonDocument { ["_id"] = "gone", ["Address"] = Address.ToLowerInvariant(), ["Name"] = Name });
        customers.Insert(new BsonDocument { ["_id"] = "renamed", ["Address"] = "renamed@example.org", ["Name"] = "Jane Roe Senior" });
        database.Checkpoint();
        Assert.NotEmpty(ForensicScan.Files([directory], [Address, Name, "Jane Roe Senior"]));

        customers.Delete("gone");
        var renamed = customers.FindById("renamed");
        renamed["Name"] = "Former customer 7F3A";
        customers.Update(renamed);
        Assert.NotEmpty(ForensicScan.Files([directory], [Address, Name, "Jane Roe Senior"]));

        database.Checkpoint();

        Assert.Empty(ForensicScan.Files([directory], [Address, Name, "Jane Roe Senior"]));
        Assert.Equal(101, customers.Count());
    }

    // A process stopped between a removal's commit and its checkpoint (a crash, a kill) left the deleted bytes in
    // the file; every service opens its file through LiteDbFiles, which checkpoints before anything is served.
    [Fact]
    public void A_litedb_file_left_between_a_delete_and_its_checkpoint_keeps_nothing_of_it_once_opened_again()
    {
        var directory = TestDirectory.Create("forensics-crashed");
        var copy = TestDirectory.Create("forensics-crashed-copy");
        using (var database = LiteDbFiles.Open(new StorageOptions { DataDirectory = directory }, "scan"))
        {
            var customers = database.GetCollection("customers");
            customers.Insert(new BsonDocument { ["_id"] = "gone", ["Address"] = Address, ["Name"] = Name });
            customers.Insert(new BsonDocument { ["_id"] = "kept", ["Address"] = "kept@example.org", ["Name"] = "Kept Customer" });
            database.Checkpoint();
            customers.Delete("gone");

            // The files as a crash at this point leaves them: the delete committed to the log, no checkpoint taken.
            foreach (var file in System.IO.Directory.GetFiles(directory))
            {
                File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            }
        }

        Assert.NotEmpty(ForensicScan.Files([copy], [Address, Name]));
        using var reopened = LiteDbFiles.Open(new StorageOptions { DataDirectory = copy }, "scan");

        Assert.Empty(ForensicScan.Files([copy], [Address, Name]));
        Assert.Equal(["kept"], reopened.GetCollection("customers").FindAll().Select(customer => customer["_id"].AsString));
    }

    [Fact]
    public async Task Finds_a_string_in_redis_keys_hashes_and_stream_entries_and_in_the_append_only_file()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var database = connection.GetDatabase();
        var prefix = RedisFixture.NewPrefix();
        await database.StreamAddAsync($"{prefix}stream", "payload", $"to {Address.ToUpperInvariant()}");
        await database.HashSetAsync($"{prefix}hash", "field", Encoding.Unicode.GetBytes(Name));
        await database.StringSetAsync($"{prefix}{Address}", "key holds it");

        var findings = (await ForensicScan.RedisAsync(redis.Configuration, [Address, Name]))
            .Where(f => f.Where.Contains(prefix, StringComparison.Ordinal)).ToList();

        Assert.Contains(findings, f => f.Where.EndsWith("stream", StringComparison.Ordinal) && f.Needle == Address);
        Assert.Contains(findings, f => f.Where.EndsWith("hash", StringComparison.Ordinal) && f is { Needle: Name, Encoding: "utf-16" });
        Assert.Contains(findings, f => f.Where.EndsWith(Address, StringComparison.Ordinal) && f.Needle == Address);
        // With REDIS_URL the server and its files belong to someone else.
        if (redis.Server is { } server)
        {
            await Eventually.WaitForAsync(
                () => ForensicScan.Files([server.DataDirectory], [Address]).Count > 0,
                "the append-only file to hold the stream entry");
        }
    }
}
