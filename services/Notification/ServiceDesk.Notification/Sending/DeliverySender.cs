using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using DeliveryStatus = ServiceDesk.Contracts.Notification.V1.DeliveryStatus;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.Resilience;
using ServiceDesk.Notification.Deliveries;
using ServiceDesk.Notification.Erasure;

namespace ServiceDesk.Notification.Sending;

/// <summary>
/// Sends queued messages when they are due. A failed attempt is retried after an exponential back-off with
/// jitter (<c>FirstRetryDelay</c> doubling up to <c>MaxRetryDelay</c>, each drawn between half and all of its
/// step) until <c>MaxAttempts</c>, then marked failed. The suppression list is checked right before each send. It
/// starts once the start-up replay of the erasure stream is done.
/// Logs name deliveries by id and failures by SMTP status or exception type, never an address.
/// </summary>
public sealed class DeliverySender(
    IDeliveryStore deliveries,
    IMailTransport transport,
    MailMessages messages,
    Suppression suppression,
    DeliverySignal signal,
    IOptions<NotificationOptions> options,
    IServiceProvider services,
    ErasureReplay replay,
    TimeProvider time,
    ILogger<DeliverySender> logger) : BackgroundService
{
    private const int BatchSize = 50;

    /// <summary>How long one send may hold a message before another replica may take it.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    private readonly NotificationOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A restored store's queue may hold letters to customers removed since its backup, and its suppression list
        // lacks them: nothing leaves before the replay has erased them again (as no call is answered before it).
        await replay.Completed.WaitAsync(stoppingToken);
        var backoff = new RetryBackoff();
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                await SendDueAsync(stoppingToken);
                backoff.Reset();
                wait = await UntilNextDueAsync(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // The store failing: keep the loop alive and try again.
                logger.LogWarning("Sending queued messages failed ({Error}); retrying.", exception.GetType().Name);
                wait = backoff.Next();
            }

            try
            {
                await signal.Signal.WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Sends everything due now; returns when nothing due is left.</summary>
    public async Task SendDueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var due = await deliveries.ListDueAsync(time.GetUtcNow(), BatchSize, cancellationToken);
            foreach (var delivery in due)
            {
                var leased = delivery with { NextAttemptAt = time.GetUtcNow() + Lease };
                if (!await deliveries.TryLeaseAsync(delivery, leased.NextAttemptAt, cancellationToken))
                {
                    continue;
                }

                try
                {
                    await SendAsync(leased, cancellationToken);
                }
                catch (Exception) when (cancellationToken.IsCancellationRequested)
                {
                    // Stopping mid-attempt (a rolling update, a backup): the lease is given back, so the letter goes as soon as
                    // a sender runs again, not a lease later. Only while still ours: an attempt that ended in an update keeps it.
                    // Whatever the attempt ended in: a connection refused as the stop came is the transport's own exception.
                    await deliveries.TryLeaseAsync(leased, time.GetUtcNow(), CancellationToken.None);
                    throw;
                }
            }

            if (due.Count < BatchSize)
            {
                return;
            }
        }
    }

    private async Task<TimeSpan> UntilNextDueAsync(CancellationToken cancellationToken)
    {
        var next = await deliveries.NextDueAsync(cancellationToken);
        var until = next is { } at ? at - time.GetUtcNow() : _options.SendInterval;
        return until < TimeSpan.Zero ? TimeSpan.Zero : until > _options.SendInterval ? _options.SendInterval : until;
    }

    private async Task SendAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        if (delivery.Message is not { } rendered)
        {
            return;
        }

        if (await suppression.IsSuppressedAsync(delivery.RecipientCustomerId, delivery.RecipientAddress, cancellationToken))
        {
            await deliveries.UpdateAsync(
                delivery with { Status = DeliveryStatus.Suppressed, Message = null, RecipientAddress = string.Empty, RecipientName = string.Empty },
                cancellationToken);
            // Queued after the recipient's erasure had run: the queued version's address, name and message would
            // otherwise stay in the LiteDB log file until some later checkpoint.
            await ErasureCheckpoint.RunWhereNeededAsync(services, cancellationToken);

            logger.LogInformation("Delivery {DeliveryId} suppressed: the recipient was erased.", delivery.Id);
            return;
        }

        var attempts = delivery.Attempts + 1;
        try
        {
            await transport.SendAsync(messages.Build(delivery, rendered), cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            var error = Describe(exception);
            if (attempts >= _options.MaxAttempts)
            {
                logger.LogWarning("Delivery {DeliveryId} failed for good after {Attempts} attempts ({Error}).", delivery.Id, attempts, error);
                await deliveries.UpdateAsync(delivery with { Status = DeliveryStatus.Failed, Message = null, Attempts = attempts, LastError = error }, cancellationToken);
                return;
            }

            var retryAt = time.GetUtcNow() + RetryDelay(attempts);
            logger.LogInformation("Delivery {DeliveryId} attempt {Attempts} failed ({Error}); next at {RetryAt:O}.", delivery.Id, attempts, error, retryAt);
            await deliveries.UpdateAsync(delivery with { Attempts = attempts, NextAttemptAt = retryAt, LastError = error }, cancellationToken);
            return;
        }

        if (!await deliveries.UpdateAsync(delivery with { Status = DeliveryStatus.Sent, Message = null, Attempts = attempts, SentAt = time.GetUtcNow(), LastError = null }, cancellationToken))
        {
            // Erased while it was handed on: the erasure deleted the delivery and looked for its message before it existed.
            transport.Withdraw(messages.MessageIdOf(delivery.Id));
            logger.LogInformation("Delivery {DeliveryId} was erased while it was sent; its message was withdrawn where it could be.", delivery.Id);
            return;
        }

        logger.LogInformation("Delivery {DeliveryId} sent ({Template}).", delivery.Id, delivery.Template);
    }

    private TimeSpan RetryDelay(int attempts)
    {
        var step = _options.FirstRetryDelay * Math.Pow(2, Math.Min(attempts - 1, 30));
        if (step > _options.MaxRetryDelay)
        {
            step = _options.MaxRetryDelay;
        }

        return step / 2 + TimeSpan.FromTicks(Random.Shared.NextInt64(step.Ticks / 2 + 1));
    }

    /// <summary>An SMTP reply's status, or the exception's type: a server's reply text may quote the address.</summary>
    private static string Describe(Exception exception) => exception switch
    {
        SmtpCommandException command => $"SMTP {(int)command.StatusCode} ({command.ErrorCode})",
        SmtpProtocolException => "SMTP protocol error",
        _ => exception.GetType().Name,
    };
}
