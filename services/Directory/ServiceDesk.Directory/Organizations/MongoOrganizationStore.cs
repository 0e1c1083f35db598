using MongoDB.Bson;
using MongoDB.Driver;
using ServiceDesk.Storage.MongoDb;

namespace ServiceDesk.Directory.Organizations;

public sealed class MongoOrganizationStore(IMongoDatabase database) : IOrganizationStore, IMongoStore
{
    private const string CollectionName = "organizations";

    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;

    private readonly IMongoCollection<BsonDocument> _organizations = database.GetCollection<BsonDocument>(CollectionName);
    private readonly MongoIndexes _indexes = new(database, Indexes);

    public static IReadOnlyList<MongoIndex> Indexes { get; } =
        [new(CollectionName, MongoIndex.KeysOf.Ascending("NameKey"), new CreateIndexOptions { Name = "name", Unique = true })];

    public async Task InsertAsync(Organization organization, CancellationToken cancellationToken)
    {
        await _indexes.EnsureCreatedAsync(cancellationToken);
        await MongoUniqueKeys.WriteAsync(
            async () =>
            {
                await _organizations.InsertOneAsync(
                    new BsonDocument
                    {
                        ["_id"] = organization.Id,
                        ["Name"] = organization.Name,
                        ["NameKey"] = organization.NameKey,
                        ["CreatedAt"] = organization.CreatedAt.UtcDateTime,
                    },
                    cancellationToken: cancellationToken);
                return true;
            },
            () => NameTakenAsync(organization.NameKey, cancellationToken));
    }

    public async Task<Organization?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var document = await _organizations.Find(Filter.Eq("_id", id)).FirstOrDefaultAsync(cancellationToken);
        return document is null
            ? null
            : new Organization(document["_id"].AsString, document["Name"].AsString, new DateTimeOffset(document["CreatedAt"].ToUniversalTime()));
    }

    public async Task<bool> RenameAsync(string id, string name, CancellationToken cancellationToken)
    {
        await _indexes.EnsureCreatedAsync(cancellationToken);
        var nameKey = Organization.NameKeyOf(name);
        return await MongoUniqueKeys.WriteAsync(
            async () =>
            {
                var result = await _organizations.UpdateOneAsync(
                    Filter.Eq("_id", id),
                    Builders<BsonDocument>.Update.Set("Name", name).Set("NameKey", nameKey),
                    cancellationToken: cancellationToken);
                return result.MatchedCount == 1;
            },
            () => NameTakenAsync(nameKey, cancellationToken));
    }

    private async Task<Exception?> NameTakenAsync(string nameKey, CancellationToken cancellationToken)
    {
        var existing = await _organizations.Find(Filter.Eq("NameKey", nameKey)).FirstOrDefaultAsync(cancellationToken);
        return existing is null ? null : new OrganizationNameTakenException(existing["_id"].AsString);
    }
}
