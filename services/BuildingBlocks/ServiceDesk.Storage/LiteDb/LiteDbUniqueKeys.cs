using LiteDB;

namespace ServiceDesk.Storage.LiteDb;

/// <summary>Writes that a unique index may refuse, answered with the domain's error naming who holds the key (as <see cref="MongoDb.MongoUniqueKeys"/>).</summary>
public static class LiteDbUniqueKeys
{
    private const int MaxAttempts = 3;

    /// <summary>
    /// Runs <paramref name="write"/>; when a unique index refuses it, <paramref name="taken"/> looks up the holder
    /// and gives the domain error. A holder renamed or removed between the refusal and the look-up left the key free,
    /// so the write is tried again (a few times, then the refusal stands).
    /// </summary>
    public static T Write<T>(Func<T> write, Func<Exception?> taken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return write();
            }
            catch (LiteException exception) when (exception.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
            {
                if (taken() is { } error)
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
