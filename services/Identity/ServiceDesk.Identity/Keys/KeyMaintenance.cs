namespace ServiceDesk.Identity.Keys;

/// <summary>Runs <see cref="KeyRing.MaintainAsync"/> at start and every <see cref="KeyOptions.CheckInterval"/>.</summary>
public sealed partial class KeyMaintenance(KeyRing keys, IdentityOptions options, TimeProvider time, ILogger<KeyMaintenance> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Keys.CheckInterval, time);
        do
        {
            try
            {
                await keys.MaintainAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogFailed(exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Signing key maintenance failed; retrying at the next check")]
    private partial void LogFailed(Exception exception);
}
