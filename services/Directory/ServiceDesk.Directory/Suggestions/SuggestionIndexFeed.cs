using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServiceDesk.Directory.Customers;
using ServiceDesk.Messaging;
using StackExchange.Redis;

namespace ServiceDesk.Directory.Suggestions;

/// <summary>
/// Keeps every replica's <see cref="SuggestionIndex"/> current: a full load from the store at start, this replica's
/// own writes at once, and other replicas' through a Redis broadcast of the changed customer's id and the change
/// stamps its write took (no names or addresses: the profile is read from the store). A lost broadcast leaves a gap in
/// the stamps the index has applied: the suggester then confirms every candidate against the store for those
/// projects, so a removed customer is never offered, until a reload catches up. Every
/// <c>Directory:Suggestions:ReloadInterval</c> (default 5 minutes) the store's stamps are read, and the index is
/// loaded again only if it needs it (<see cref="SuggestionIndex.NeedsLoad"/>): at 100,000 customers a load takes
/// seconds of CPU, most times to change nothing.
/// </summary>
public sealed partial class SuggestionIndexFeed(
    SuggestionIndex index,
    ICustomerStore customers,
    IConnectionMultiplexer redis,
    IOptions<MessagingOptions> messaging,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<SuggestionIndexFeed> logger) : BackgroundService
{
    private const int LoadPageSize = 1_000;

    private static readonly TimeSpan SubscribeRetry = TimeSpan.FromSeconds(5);

    private readonly RedisChannel _channel = RedisChannel.Literal($"{messaging.Value.KeyPrefix}directory:suggestion-index");
    private readonly TimeSpan _reloadInterval = configuration.GetValue("Directory:Suggestions:ReloadInterval", TimeSpan.FromMinutes(5));

    /// <summary>This replica wrote the customer, with <paramref name="stamps"/>: index it now and tell the others.</summary>
    public Task ChangedAsync(Customer customer, IReadOnlyDictionary<string, long> stamps)
    {
        index.Changed(customer, stamps);
        return BroadcastAsync(new Change(customer.Id, stamps));
    }

    /// <summary>This replica deleted the customer, with <paramref name="stamps"/>: drop it now and tell the others.</summary>
    public Task RemovedAsync(string customerId, IReadOnlyDictionary<string, long> stamps)
    {
        index.Removed(customerId, stamps);
        return BroadcastAsync(new Change(customerId, stamps));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var subscribed = false;
        var retry = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Redis may be down as the service starts: the index loads from the store meanwhile, and until the
                // subscription holds, the suggester finds the index behind the store's stamps and asks the store.
                subscribed = subscribed || await TrySubscribeAsync(stoppingToken);
                // Stamps first: every change up to them is committed, so in what the load then reads.
                var stamps = await customers.GetChangeStampsAsync(stoppingToken);
                if (index.NeedsLoad(stamps))
                {
                    await index.LoadAsync(stamps, AllCustomersAsync(stoppingToken), stoppingToken);
                    LogLoaded(index.Count);
                }

                retry = TimeSpan.FromSeconds(1);
                await Task.Delay(subscribed ? _reloadInterval : SubscribeRetry, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogLoadFailed(exception, retry);
                await Task.Delay(retry, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    private async Task<bool> TrySubscribeAsync(CancellationToken stoppingToken)
    {
        try
        {
            await redis.GetSubscriber().SubscribeAsync(_channel, (channel, message) => { _ = RefreshAsync(message.ToString(), stoppingToken); });
            return true;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogSubscribeFailed(exception.GetType().Name, SubscribeRetry);
            return false;
        }
    }

    private async IAsyncEnumerable<Customer> AllCustomersAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? after = null;
        while (true)
        {
            var page = await customers.ListAsync(projectKey: null, after, LoadPageSize, cancellationToken);
            foreach (var customer in page)
            {
                yield return customer;
            }

            if (page.Count < LoadPageSize)
            {
                yield break;
            }

            after = page[^1].Address;
        }
    }

    private async Task RefreshAsync(string message, CancellationToken cancellationToken)
    {
        try
        {
            // Every change comes back to the replica that wrote it, which applied it already.
            if (JsonSerializer.Deserialize<Change>(message) is not { CustomerId: { } customerId, Stamps: { } stamps } || index.HasApplied(stamps))
            {
                return;
            }

            // Read after the write committed: the customer as that write left them, or later.
            if (await customers.GetAsync(customerId, cancellationToken) is { } customer)
            {
                index.Changed(customer, stamps);
            }
            else
            {
                index.Removed(customerId, stamps);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogRefreshFailed(exception);
        }
    }

    private async Task BroadcastAsync(Change change)
    {
        try
        {
            await redis.GetSubscriber().PublishAsync(_channel, JsonSerializer.Serialize(change));
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogBroadcastFailed(exception);
        }
    }

    /// <summary>A broadcast: which customer a write changed and the stamps it took (ids and project keys only).</summary>
    private sealed record Change(string CustomerId, IReadOnlyDictionary<string, long> Stamps);

    [LoggerMessage(Level = LogLevel.Information, Message = "Suggestion index loaded: {Count} customers")]
    private partial void LogLoaded(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Loading the suggestion index failed; retrying in {Retry}")]
    private partial void LogLoadFailed(Exception exception, TimeSpan retry);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing a customer in the suggestion index failed; the next reload brings it")]
    private partial void LogRefreshFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscribing to the other replicas' suggestion-index changes failed ({Error}); retrying in {Retry}")]
    private partial void LogSubscribeFailed(string error, TimeSpan retry);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Broadcasting a customer change to the other replicas failed; their next reload brings it")]
    private partial void LogBroadcastFailed(Exception exception);
}
