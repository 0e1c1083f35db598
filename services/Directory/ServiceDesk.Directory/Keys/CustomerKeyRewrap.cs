using System.Security.Cryptography;
using ServiceDesk.Directory.Erasure;
using ServiceDesk.Hosting.Startup;

namespace ServiceDesk.Directory.Keys;

/// <summary>
/// As the service starts, re-wraps every live customer key found under a retired key-encryption key (or in clear),
/// and the evidence signing key, under the current one, so the retired key can be dropped once this is
/// <see cref="StartupStep.Completed"/>. A key under a KEK configured nowhere stops the service with the reason: it
/// would answer with keys it cannot open.
/// </summary>
public sealed partial class CustomerKeyRewrap(
    ICustomerKeyStore keys, EvidenceSigner evidence, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<CustomerKeyRewrap> logger)
    : StartupStep(lifetime, time, logger)
{
    protected override async Task RunAsync(CancellationToken cancellationToken)
    {
        var rewrapped = await keys.RewrapAsync(cancellationToken);
        if (rewrapped > 0)
        {
            LogRewrapped(rewrapped);
        }

        if (await evidence.RewrapAsync(cancellationToken))
        {
            LogEvidenceKeyRewrapped();
        }
    }

    protected override bool IsFatal(Exception exception) => exception is CryptographicException;

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} customer keys re-wrapped under the current key-encryption key")]
    private partial void LogRewrapped(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "The evidence signing key re-wrapped under the current key-encryption key")]
    private partial void LogEvidenceKeyRewrapped();
}
