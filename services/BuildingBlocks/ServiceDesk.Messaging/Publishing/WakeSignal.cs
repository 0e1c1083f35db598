namespace ServiceDesk.Messaging.Publishing;

/// <summary>Wakes a loop early: many wake-ups while it works collapse into one more round.</summary>
public sealed class WakeSignal
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Wake()
    {
        // Already woken: the next round sees everything. Checked before Release, which throws on a full semaphore: a
        // pub/sub wake-up mostly arrives while its loop is awake already, and in a profile of the removals those throws
        // took 0.4-1.3% of each service's CPU.
        if (_semaphore.CurrentCount > 0)
        {
            return;
        }

        try
        {
            _semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
            // Woken by another thread in between.
        }
    }

    /// <summary>Waits until woken or the timeout passes.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _semaphore.WaitAsync(timeout, cancellationToken);
}

/// <summary>The outbox relay's wake-up: rung after a store commits events.</summary>
public sealed class OutboxSignal
{
    public WakeSignal Signal { get; } = new();
}
