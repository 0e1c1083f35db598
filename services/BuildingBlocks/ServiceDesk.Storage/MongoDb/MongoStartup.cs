using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ServiceDesk.Storage.MongoDb;

/// <summary>
/// The MongoDB start-up step, in the background so the host starts whatever the server does: checks that the
/// server runs transactions (a replica set), then creates every store's indexes, retrying with back-off until
/// both succeed. Until then <see cref="Problem"/> says why, and the "store" health check reports it.
/// </summary>
public sealed partial class MongoStartup(
    IMongoClient client, IMongoDatabase database, IEnumerable<MongoIndex> indexes, TimeProvider time, ILogger<MongoStartup> logger) : BackgroundService
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(30);

    private volatile string? _problem = "MongoDB start-up has not finished: checking the server";

    /// <summary>Null once the server is known to run transactions and every index exists; otherwise why not.</summary>
    public string? Problem => _problem;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retry = FirstRetry;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var hello = await client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("hello", 1), cancellationToken: stoppingToken);
                if (MongoTopology.TransactionProblem(hello) is { } problem)
                {
                    Report(problem);
                }
                else
                {
                    Report("MongoDB start-up has not finished: creating indexes");
                    await MongoIndex.CreateAllAsync(database, indexes, stoppingToken);
                    _problem = null;
                    LogReady(database.DatabaseNamespace.DatabaseName);
                    return;
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Report($"MongoDB unreachable or failing ({exception.GetType().Name}); retrying");
            }

            await Task.Delay(retry, time, stoppingToken);
            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
        }
    }

    private void Report(string problem)
    {
        if (problem != _problem)
        {
            _problem = problem;
            LogNotReady(problem);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "MongoDB database {Database} is ready: replica set confirmed, indexes created")]
    private partial void LogReady(string database);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MongoDB store not ready: {Problem}")]
    private partial void LogNotReady(string problem);
}
