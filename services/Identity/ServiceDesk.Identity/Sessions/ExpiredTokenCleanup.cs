namespace ServiceDesk.Identity.Sessions;

/// <summary>Deletes expired refresh tokens every hour: they can never be exchanged again, so keeping them only grows the store.</summary>
public sealed partial class ExpiredTokenCleanup(ISessionStore sessions, TimeProvider time, ILogger<ExpiredTokenCleanup> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                LogDeleted(await sessions.DeleteExpiredTokensAsync(time.GetUtcNow().UtcDateTime, stoppingToken));
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogFailed(exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} expired refresh token(s)")]
    private partial void LogDeleted(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Deleting expired refresh tokens failed; retrying in an hour")]
    private partial void LogFailed(Exception exception);
}
