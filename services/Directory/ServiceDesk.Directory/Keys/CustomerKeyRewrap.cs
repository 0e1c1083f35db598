using System.Security.Cryptography;

namespace ServiceDesk.Directory.Keys;

/// <summary>
/// After start, re-wraps every live customer key found under a retired key-encryption key (or in clear) under the
/// current one, so the retired key can be dropped once <see cref="Completed"/>. In the background, retrying while
/// the store is unreachable, so a store that is down never holds up the start. A key under a KEK that is not
/// configured at all stops the service with the reason: it would otherwise answer with keys it cannot open.
/// </summary>
public sealed partial class CustomerKeyRewrap(ICustomerKeyStore keys, TimeProvider time, ILogger<CustomerKeyRewrap> logger) : BackgroundService
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(30);

    private readonly TaskCompletionSource<int> _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How many keys were re-wrapped, once every key is under the current KEK; faults when one is under no configured KEK.</summary>
    public Task<int> Completed => _completed.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retry = FirstRetry;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var rewrapped = await keys.RewrapAsync(stoppingToken);
                if (rewrapped > 0)
                {
                    LogRewrapped(rewrapped);
                }

                _completed.TrySetResult(rewrapped);
                return;
            }
            catch (CryptographicException exception)
            {
                _completed.TrySetException(exception);
                throw;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogRetrying(exception.GetType().Name, retry.TotalSeconds);
                await Task.Delay(retry, time, stoppingToken);
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} customer keys re-wrapped under the current key-encryption key")]
    private partial void LogRewrapped(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-wrapping customer keys failed ({Error}); retrying in {DelaySeconds} s")]
    private partial void LogRetrying(string error, double delaySeconds);
}
