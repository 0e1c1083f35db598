using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServiceDesk.Directory.Customers;
using ServiceDesk.Messaging;
using StackExchange.Redis;

namespace ServiceDesk.Directory.Suggestions;

/// <summary>
/// Keeps every replica's <see cref="SuggestionIndex"/> current: a full load from the store at start and every
/// <c>Directory:Suggestions:ReloadInterval</c> (default 5 minutes), this replica's own writes at once, and other
/// replicas' through a Redis broadcast of the changed customer's id (ids only; the profile is read from the store).
/// A lost broadcast delays a new name until the next reload; it never lets a removed customer be offered, since
/// the suggester confirms every candidate against the store.
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

    private readonly RedisChannel _channel = RedisChannel.Literal($"{messaging.Value.KeyPrefix}directory:suggestion-index");
    private readonly TimeSpan _reloadInterval = configuration.GetValue("Directory:Suggestions:ReloadInterval", TimeSpan.FromMinutes(5));

    /// <summary>This replica wrote the customer: index it now and tell the others.</summary>
    public Task ChangedAsync(Customer customer)
    {
        index.Upsert(customer);
        return BroadcastAsync(customer.Id);
    }

    /// <summary>This replica deleted the customer: drop it now and tell the others.</summary>
    public Task RemovedAsync(string customerId)
    {
        index.Remove(customerId);
        return BroadcastAsync(customerId);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await redis.GetSubscriber().SubscribeAsync(_channel, (channel, id) => { _ = RefreshAsync(id.ToString(), stoppingToken); });
        var retry = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await index.LoadAsync(AllCustomersAsync(stoppingToken), stoppingToken);
                LogLoaded(index.Count);
                retry = TimeSpan.FromSeconds(1);
                await Task.Delay(_reloadInterval, time, stoppingToken);
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

    private async Task RefreshAsync(string customerId, CancellationToken cancellationToken)
    {
        try
        {
            if (await customers.GetAsync(customerId, cancellationToken) is { } customer)
            {
                index.Upsert(customer);
            }
            else
            {
                index.Remove(customerId);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogRefreshFailed(exception);
        }
    }

    private async Task BroadcastAsync(string customerId)
    {
        try
        {
            await redis.GetSubscriber().PublishAsync(_channel, customerId);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogBroadcastFailed(exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Suggestion index loaded: {Count} customers")]
    private partial void LogLoaded(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Loading the suggestion index failed; retrying in {Retry}")]
    private partial void LogLoadFailed(Exception exception, TimeSpan retry);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing a customer in the suggestion index failed; the next reload brings it")]
    private partial void LogRefreshFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Broadcasting a customer change to the other replicas failed; their next reload brings it")]
    private partial void LogBroadcastFailed(Exception exception);
}
