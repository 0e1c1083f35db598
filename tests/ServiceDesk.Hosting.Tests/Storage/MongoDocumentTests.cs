using System.Reflection;
using System.Runtime.CompilerServices;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using ServiceDesk.Directory.Customers;
using ServiceDesk.Identity.Accounts;
using ServiceDesk.Identity.Keys;
using ServiceDesk.Identity.Sessions;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Storage.MongoDb;
using Xunit;

namespace ServiceDesk.Hosting.Tests.Storage;

/// <summary>
/// During a rolling deploy the older replicas read documents the newer ones wrote: a field added in the new
/// release must be ignored, not make the read throw.
/// </summary>
public sealed class MongoDocumentTests
{
    private static readonly Assembly[] StoreAssemblies =
        [typeof(MongoAccountStore).Assembly, typeof(MongoCustomerStore).Assembly, typeof(MongoOutboxStore).Assembly];

    private static IEnumerable<Type> MongoStores() =>
        StoreAssemblies.SelectMany(assembly => assembly.GetTypes()).Where(type => type.IsAssignableTo(typeof(IMongoStore)) && !type.IsInterface);

    [Fact]
    public void Every_document_class_of_a_store_ignores_fields_it_does_not_know()
    {
        var documentClasses = MongoStores().SelectMany(store => store.GetNestedTypes(BindingFlags.NonPublic | BindingFlags.Public))
            .Where(type => !type.IsDefined(typeof(CompilerGeneratedAttribute)))
            .ToList();

        Assert.NotEmpty(documentClasses);
        foreach (var documentClass in documentClasses)
        {
            Assert.True(BsonClassMap.LookupClassMap(documentClass).IgnoreExtraElements, $"{documentClass} would throw on a field added later");
        }
    }

    [Fact]
    public void Stored_records_read_back_with_a_field_added_by_a_later_release()
    {
        foreach (var store in MongoStores())
        {
            RuntimeHelpers.RunClassConstructor(store.TypeHandle);
        }

        var now = new DateTime(2026, 12, 1, 6, 0, 0, DateTimeKind.Utc);
        var account = BsonSerializer.Deserialize<Account>(new BsonDocument
        {
            ["_id"] = "a1", ["Login"] = "jane@example.com", ["Role"] = "Agent", ["ProjectKeys"] = new BsonArray { "HELP" },
            ["CustomerId"] = BsonNull.Value, ["PasswordHash"] = "hash", ["CreatedAt"] = now, ["AddedLater"] = 1,
        });
        var session = BsonSerializer.Deserialize<Session>(new BsonDocument
        {
            ["_id"] = "s1", ["AccountId"] = "a1", ["CreatedAt"] = now, ["RevokedAt"] = BsonNull.Value, ["AddedLater"] = 1,
        });
        var token = BsonSerializer.Deserialize<RefreshToken>(new BsonDocument
        {
            ["_id"] = "t1", ["SessionId"] = "s1", ["ExpiresAt"] = now, ["SpentAt"] = BsonNull.Value, ["AddedLater"] = 1,
        });
        var signingKeyDocument = typeof(MongoSigningKeyStore).Assembly.GetType("ServiceDesk.Identity.Keys.SigningKeyDocument", throwOnError: true)!;
        var key = BsonSerializer.Deserialize(new BsonDocument
        {
            ["_id"] = "k1", ["PrivateKey"] = new BsonBinaryData([1, 2]), ["KekId"] = "kek", ["CreatedAt"] = now, ["ActivatesAt"] = now,
            ["RetiresAt"] = now, ["WithdrawAt"] = now, ["AddedLater"] = 1,
        }, signingKeyDocument);

        Assert.Equal(("jane@example.com", AccountRole.Agent), (account.Login, account.Role));
        Assert.Equal("a1", session.AccountId);
        Assert.Equal("s1", token.SessionId);
        Assert.Equal([1, 2], (byte[])signingKeyDocument.GetProperty("PrivateKey")!.GetValue(key)!);
    }
}
