using System.Collections.Concurrent;
using System.Diagnostics;
using ServiceDesk.Contracts.Directory.V1;

namespace ServiceDesk.Throughput.Bench;

/// <summary>
/// Waits for removals to leave IN_PROGRESS with one poller for all of them (ListErasures every millisecond), so
/// the polling load on Directory does not grow with the number in flight. A removal counts as finished at the
/// first listing that started after its RemoveCustomer answered and no longer holds it.
/// </summary>
public sealed class ErasureWatcher : IAsyncDisposable
{
    private readonly RunningSystem _system;
    private readonly ConcurrentDictionary<string, (long Since, TaskCompletionSource<long> Finished)> _watched = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _poller;

    public ErasureWatcher(RunningSystem system)
    {
        _system = system;
        _poller = Task.Run(PollAsync);
    }

    /// <summary>RemoveCustomer, then waits until it left IN_PROGRESS; the record and the client-observed milliseconds.</summary>
    public async Task<(ErasureRequest Request, double Milliseconds)> RemoveAsync(string customerId)
    {
        var started = Stopwatch.GetTimestamp();
        var request = await _system.Erasure.RemoveCustomerAsync(
            new RemoveCustomerRequest { CustomerId = customerId, Reason = ErasureReason.AccountClosed }, _system.Admin);
        var finished = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        _watched[request.Id] = (Stopwatch.GetTimestamp(), finished);
        var at = await finished.Task.WaitAsync(TimeSpan.FromMinutes(2));
        var milliseconds = Stopwatch.GetElapsedTime(started, at).TotalMilliseconds;
        var final = await _system.Erasure.GetErasureAsync(new GetErasureRequest { ErasureId = request.Id }, _system.Admin);
        return final.Status == ErasureStatus.Completed
            ? (final, milliseconds)
            : throw new InvalidOperationException($"Erasure {request.Id} ended {final.Status}");
    }

    private async Task PollAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            if (_watched.IsEmpty)
            {
                await Task.Delay(1);
                continue;
            }

            var listed = Stopwatch.GetTimestamp();
            var inProgress = new HashSet<string>();
            var page = new ListErasuresRequest { Status = ErasureStatus.InProgress, PageSize = 200 };
            while (true)
            {
                var response = await _system.Erasure.ListErasuresAsync(page, _system.Admin);
                inProgress.UnionWith(response.Erasures.Select(erasure => erasure.Id));
                if (response.NextPageToken.Length == 0)
                {
                    break;
                }

                page.PageToken = response.NextPageToken;
            }

            var now = Stopwatch.GetTimestamp();
            foreach (var (id, watched) in _watched)
            {
                if (watched.Since < listed && !inProgress.Contains(id) && _watched.TryRemove(id, out _))
                {
                    watched.Finished.TrySetResult(now);
                }
            }

            await Task.Delay(1);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _poller;
        _stop.Dispose();
    }
}
