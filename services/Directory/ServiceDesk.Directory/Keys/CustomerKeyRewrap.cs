namespace ServiceDesk.Directory.Keys;

/// <summary>
/// At start, re-wraps every live customer key found under a retired key-encryption key (or in clear) under the
/// current one, so the retired key can be dropped after one start. A key under a KEK that is not configured at
/// all stops the start with the reason.
/// </summary>
public sealed partial class CustomerKeyRewrap(ICustomerKeyStore keys, ILogger<CustomerKeyRewrap> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var rewrapped = await keys.RewrapAsync(cancellationToken);
        if (rewrapped > 0)
        {
            LogRewrapped(rewrapped);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} customer keys re-wrapped under the current key-encryption key")]
    private partial void LogRewrapped(int count);
}
