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
        WriteUnlessNameTaken(organization.NameKey, () => _organizations.Insert(new BsonDocument
        {
            ["_id"] = organization.Id,
            ["Name"] = organization.Name,
            ["NameKey"] = organization.NameKey,
            ["CreatedAt"] = organization.CreatedAt.UtcDateTime,
        }));
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
        var renamed = WriteUnlessNameTaken(nameKey, () => _organizations.UpdateMany(
            BsonExpression.Create("{ Name: @0, NameKey: @1 }", name, nameKey), BsonExpression.Create("_id = @0", id)));
        return Task.FromResult(renamed == 1);
    }

    /// <summary>The holder is looked up after the refusal: one renamed away meanwhile left the name free (tried again).</summary>
    private T WriteUnlessNameTaken<T>(string nameKey, Func<T> write) =>
        LiteDbUniqueKeys.Write(write, () => _organizations.FindOne(BsonExpression.Create("$.NameKey = @0", nameKey)) is { } holder
            ? new OrganizationNameTakenException(holder["_id"].AsString)
            : null);
}
