namespace ServiceDesk.Messaging.Publishing;

/// <summary>Wakes a loop early: many wake-ups while it works collapse into one more round.</summary>
public sealed class WakeSignal
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Wake()
    {
        try
        {
            _semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken; the next round sees everything.
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
