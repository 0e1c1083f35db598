using MongoDB.Driver;

namespace ServiceDesk.Storage.MongoDb;

/// <summary>Writes that a unique index may refuse, answered with the domain's error naming who holds the key.</summary>
public static class MongoUniqueKeys
{
    private const int MaxAttempts = 3;

    /// <summary>
    /// Runs <paramref name="write"/>; when a unique index refuses it, <paramref name="taken"/> looks up the holder
    /// and gives the domain error. A holder removed between the refusal and the look-up left the key free, so
    /// the write is tried again (a few times, then the refusal stands).
    /// </summary>
    public static async Task<T> WriteAsync<T>(Func<Task<T>> write, Func<Task<Exception?>> taken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await write();
            }
            catch (MongoWriteException exception) when (exception.WriteError.Category == ServerErrorCategory.DuplicateKey)
            {
                if (await taken() is { } error)
                {
                    throw error;
                }

                if (attempt == MaxAttempts)
                {
                    throw;
                }
            }
        }
    }
}
