using LiteDB;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Storage;

namespace ServiceDesk.Messaging.Erasure;

/// <summary>
/// The LiteDB checkpoint that leaves no erased byte in the service's file: a delete leaves the old bytes in the log
/// file until a checkpoint copies the pages into the data file. A checkpoint copies every page written since the last
/// one and empties LiteDB's page cache, so erasures finishing together share one: <see cref="RunAsync"/> returns once a
/// checkpoint that began after the call has finished, which covers whatever the caller committed before calling.
/// </summary>
public sealed class ErasureCheckpoint(LiteDatabase database)
{
    private readonly SemaphoreSlim _running = new(1, 1);
    private long _requested;
    private long _covered;

    /// <summary>
    /// A checkpoint where the service stores in LiteDB (MongoDB keeps no such log, and registers no checkpoint);
    /// <see cref="RunAsync"/> otherwise.
    /// </summary>
    public static Task RunWhereNeededAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<StorageOptions>().Backend == StorageBackend.LiteDb
            ? services.GetRequiredService<ErasureCheckpoint>().RunAsync(cancellationToken)
            : Task.CompletedTask;

    /// <summary>How soon <see cref="RunSoon"/> checkpoints, if no other checkpoint has begun meanwhile.</summary>
    public static readonly TimeSpan Soon = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A checkpoint about <see cref="Soon"/> later, not waited for: for what should leave the log soon but need not hold
    /// up the write that left it there (a removal's final-profile key, destroyed as a receipt is folded, while removals
    /// follow each other). A checkpoint that begins meanwhile, as the next removal's does, covers it; a service stopped
    /// first checkpoints its file as it closes it, or, killed, when it opens it again. One that fails is reported to
    /// <paramref name="failed"/> and tried again a moment later.
    /// </summary>
    public void RunSoon(Action<Exception> failed)
    {
        var request = Interlocked.Increment(ref _requested);
        _ = RunLaterAsync(request, failed);
    }

    private async Task RunLaterAsync(long request, Action<Exception> failed)
    {
        while (true)
        {
            await Task.Delay(Soon);
            if (Volatile.Read(ref _covered) >= request)
            {
                return;
            }

            try
            {
                await RunAsync(CancellationToken.None);
                return;
            }
            catch (ObjectDisposedException)
            {
                // The service stopped first, and closing the file checkpointed it.
                return;
            }
            catch (Exception exception)
            {
                failed(exception);
            }
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var request = Interlocked.Increment(ref _requested);
        await _running.WaitAsync(cancellationToken);
        try
        {
            if (Volatile.Read(ref _covered) >= request)
            {
                // A checkpoint that began after this request (while it waited) has covered it.
                return;
            }

            // Every request up to here was made, so its writes committed, before this checkpoint begins.
            var upTo = Volatile.Read(ref _requested);
            database.Checkpoint();
            Volatile.Write(ref _covered, upTo);
        }
        finally
        {
            _running.Release();
        }
    }
}
