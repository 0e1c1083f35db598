namespace ServiceDesk.Directory;

/// <summary>
/// Creates a MongoDB collection's indexes on first use. Creating existing indexes is a no-op, so a failed
/// attempt (server unreachable) is simply tried again by the next operation instead of being cached.
/// </summary>
internal sealed class MongoIndexes(Func<Task> createIndexes)
{
    private Task? _created;

    public Task EnsureCreatedAsync()
    {
        var created = _created;
        if (created is null || created.IsFaulted || created.IsCanceled)
        {
            _created = created = createIndexes();
        }

        return created;
    }
}
