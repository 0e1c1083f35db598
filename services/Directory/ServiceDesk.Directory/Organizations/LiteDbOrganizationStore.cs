using LiteDB;
using ServiceDesk.Storage.LiteDb;

namespace ServiceDesk.Directory.Organizations;

public sealed class LiteDbOrganizationStore : IOrganizationStore
{
    private readonly ILiteCollection<BsonDocument> _organizations;

    public LiteDbOrganizationStore(LiteDatabase database)
    {
        _organizations = database.GetCreatedCollection("organizations");
        _organizations.EnsureIndex("name", "$.NameKey", unique: true);
    }

    public Task InsertAsync(Organization organization, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            _organizations.Insert(new BsonDocument
            {
                ["_id"] = organization.Id,
                ["Name"] = organization.Name,
                ["NameKey"] = organization.NameKey,
                ["CreatedAt"] = organization.CreatedAt.UtcDateTime,
            });
        }
        catch (LiteException exception) when (exception.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
        {
            throw NameTaken(organization.NameKey);
        }

        return Task.CompletedTask;
    }

    public Task<Organization?> GetAsync(string id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_organizations.FindOneById(id) is { } document
            ? new Organization(document["_id"].AsString, document["Name"].AsString, new DateTimeOffset(document["CreatedAt"].AsDateTime.ToUniversalTime()))
            : null);
    }

    public Task<bool> RenameAsync(string id, string name, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var nameKey = Organization.NameKeyOf(name);
        try
        {
            var renamed = _organizations.UpdateMany(
                BsonExpression.Create("{ Name: @0, NameKey: @1 }", name, nameKey), BsonExpression.Create("_id = @0", id));
            return Task.FromResult(renamed == 1);
        }
        catch (LiteException exception) when (exception.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
        {
            throw NameTaken(nameKey);
        }
    }

    private OrganizationNameTakenException NameTaken(string nameKey) =>
        new(_organizations.FindOne(BsonExpression.Create("$.NameKey = @0", nameKey))["_id"].AsString);
}
