using LiteDB;

namespace ServiceDesk.Storage.LiteDb;

public static class LiteDbTransactions
{
    /// <summary>
    /// Runs <paramref name="work"/> in one transaction. LiteDB transactions belong to the thread: nothing in
    /// <paramref name="work"/> may await.
    /// </summary>
    public static T InTransaction<T>(this LiteDatabase database, Func<T> work)
    {
        database.BeginTrans();
        try
        {
            var result = work();
            database.Commit();
            return result;
        }
        catch
        {
            database.Rollback();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction, committed when it returns a value and rolled back when it
    /// returns null: a check that must follow a write (the write takes the collection's lock, so what is read after
    /// it is what every writer of that collection committed before) can still undo the write.
    /// </summary>
    public static T? InTransactionUnlessNull<T>(this LiteDatabase database, Func<T?> work)
        where T : class
    {
        database.BeginTrans();
        try
        {
            var result = work();
            if (result is null)
            {
                database.Rollback();
            }
            else
            {
                database.Commit();
            }

            return result;
        }
        catch
        {
            database.Rollback();
            throw;
        }
    }

    /// <summary>
    /// Returns once every transaction that was writing <paramref name="collection"/> when it was called has ended: takes
    /// the collection's write lock (<see cref="LiteDbCollections.LockForWrite"/>) in a transaction of its own and lets it
    /// go. A writer that checks something under that lock (after its first write) then either saw what the caller
    /// recorded before calling, or committed before the caller reads on.
    /// </summary>
    public static void WaitForWriters<T>(this LiteDatabase database, ILiteCollection<T> collection)
    {
        database.BeginTrans();
        try
        {
            collection.LockForWrite();
        }
        finally
        {
            database.Rollback();
        }
    }

    public static void InTransaction(this LiteDatabase database, Action work) =>
        database.InTransaction(() =>
        {
            work();
            return true;
        });
}
