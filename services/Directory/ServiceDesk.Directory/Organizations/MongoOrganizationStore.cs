using MongoDB.Bson;
using MongoDB.Driver;

namespace ServiceDesk.Directory.Organizations;

public sealed class MongoOrganizationStore : IOrganizationStore
{
    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;

    private readonly IMongoCollection<BsonDocument> _organizations;
    private readonly MongoIndexes _indexes;

    public MongoOrganizationStore(IMongoDatabase database)
    {
        _organizations = database.GetCollection<BsonDocument>("organizations");
        _indexes = new MongoIndexes(() => _organizations.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(
            Builders<BsonDocument>.IndexKeys.Ascending("NameKey"), new CreateIndexOptions { Name = "name", Unique = true })));
    }

    public async Task InsertAsync(Organization organization, CancellationToken cancellationToken)
    {
        await _indexes.EnsureCreatedAsync();
        try
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
        }
        catch (MongoWriteException exception) when (exception.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            throw await NameTakenAsync(organization.NameKey, cancellationToken);
        }
    }

    public async Task<Organization?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await _indexes.EnsureCreatedAsync();
        var document = await _organizations.Find(Filter.Eq("_id", id)).FirstOrDefaultAsync(cancellationToken);
        return document is null
            ? null
            : new Organization(document["_id"].AsString, document["Name"].AsString, new DateTimeOffset(document["CreatedAt"].ToUniversalTime()));
    }

    public async Task<bool> RenameAsync(string id, string name, CancellationToken cancellationToken)
    {
        await _indexes.EnsureCreatedAsync();
        var nameKey = Organization.NameKeyOf(name);
        try
        {
            var result = await _organizations.UpdateOneAsync(
                Filter.Eq("_id", id),
                Builders<BsonDocument>.Update.Set("Name", name).Set("NameKey", nameKey),
                cancellationToken: cancellationToken);
            return result.MatchedCount == 1;
        }
        catch (MongoWriteException exception) when (exception.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            throw await NameTakenAsync(nameKey, cancellationToken);
        }
    }

    private async Task<OrganizationNameTakenException> NameTakenAsync(string nameKey, CancellationToken cancellationToken)
    {
        var existing = await _organizations.Find(Filter.Eq("NameKey", nameKey)).FirstAsync(cancellationToken);
        return new OrganizationNameTakenException(existing["_id"].AsString);
    }
}
