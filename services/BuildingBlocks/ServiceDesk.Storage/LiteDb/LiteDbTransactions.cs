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

    public static void InTransaction(this LiteDatabase database, Action work) =>
        database.InTransaction(() =>
        {
            work();
            return true;
        });
}
