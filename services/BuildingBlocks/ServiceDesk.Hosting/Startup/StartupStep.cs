using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ServiceDesk.Hosting.Startup;

/// <summary>
/// Work a service does once as it starts, against a store that may be unreachable at that moment. The start
/// waits for it a few seconds at most (on a local store it is done before the first call), then it goes on
/// retrying with back-off in the background, so an unreachable store never holds the start up (health reports
/// the store meanwhile). A failure <see cref="IsFatal"/> declares stops the start, or the running service.
/// </summary>
public abstract partial class StartupStep(IHostApplicationLifetime lifetime, TimeProvider time, ILogger logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan StartWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _run = Task.CompletedTask;
    private volatile bool _startReturned;

    /// <summary>Done once the step succeeded; faulted when it failed fatally.</summary>
    public Task Completed => _completed.Task;

    /// <summary>Validates configuration before anything runs; an exception here stops the start.</summary>
    protected virtual void Validate()
    {
    }

    protected abstract Task RunAsync(CancellationToken cancellationToken);

    /// <summary>A failure that retrying cannot mend.</summary>
    protected virtual bool IsFatal(Exception exception) => false;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Validate();
        _run = RunWithRetriesAsync(_stopping.Token);
        await Task.WhenAny(_run, Task.Delay(StartWait, time, cancellationToken));
        _startReturned = true;
        if (_run.IsFaulted)
        {
            await _run;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _run.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    private async Task RunWithRetriesAsync(CancellationToken stoppingToken)
    {
        var retry = FirstRetry;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunAsync(stoppingToken);
                _completed.TrySetResult();
                return;
            }
            catch (Exception exception) when (IsFatal(exception))
            {
                _completed.TrySetException(exception);
                if (_startReturned)
                {
                    LogFatal(exception, GetType().Name);
                    lifetime.StopApplication();
                }

                throw;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogRetrying(GetType().Name, exception.GetType().Name, retry.TotalSeconds);
                await Task.Delay(retry, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Start-up step {Step} failed ({Error}); retrying in {DelaySeconds} s")]
    private partial void LogRetrying(string step, string error, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Start-up step {Step} failed for good; stopping the service")]
    private partial void LogFatal(Exception exception, string step);
}
