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

    public static void InTransaction(this LiteDatabase database, Action work) =>
        database.InTransaction(() =>
        {
            work();
            return true;
        });
}
