using ServiceDesk.Messaging.Operations;

namespace ServiceDesk.Messaging.Erasure;

/// <summary>
/// While this replica applies a customer removal, the API calls that yield to it (<see cref="ErasurePrecedenceInterceptor"/>)
/// run one at a time. On a busy replica the removal is one thread among the handlers of every call in flight, so it got
/// a small share of the core: removing a customer on 10,000 of 100,000 tickets took 2.4–3.2 s with eight
/// <c>CreateTicket</c> calls in flight against 2.0 s without (bench/RESULTS.md). With one call at a time it keeps about
/// half; the calls are still served, more slowly, until the removal's checkpoint is taken.
/// </summary>
public sealed class ErasurePrecedence(MessagingMetrics metrics)
{
    private readonly SemaphoreSlim _oneCall = new(1, 1);
    private int _erasures;

    public bool Erasing => Volatile.Read(ref _erasures) > 0;

    /// <summary>Taken by each removal for its plan, its changes and its checkpoint; disposing it ends its precedence.</summary>
    public IDisposable Hold()
    {
        Interlocked.Increment(ref _erasures);
        return new Held(this);
    }

    /// <summary>At once when no removal is being applied; otherwise when the call before it has finished.</summary>
    public async ValueTask<Turn> TakeTurnAsync(CancellationToken cancellationToken)
    {
        if (!Erasing)
        {
            return default;
        }

        await _oneCall.WaitAsync(cancellationToken);
        metrics.YieldedToErasure();
        return new Turn(_oneCall);
    }

    /// <summary>A call's turn, given back when it has been answered.</summary>
    public readonly struct Turn(SemaphoreSlim? taken) : IDisposable
    {
        public void Dispose() => taken?.Release();
    }

    private sealed class Held(ErasurePrecedence precedence) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                Interlocked.Decrement(ref precedence._erasures);
            }
        }
    }
}
