using LiteDB;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Messaging;
using ServiceDesk.Messaging.Catalog;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.Inbox;
using ServiceDesk.Storage;
using ServiceDesk.Testing;

namespace ServiceDesk.EventReplica;

/// <summary>
/// "consumer-a" applying each <see cref="ProjectCreated"/> as one effect: a document in its "effects" collection,
/// written in one LiteDB transaction with the event's inbox record, as the block's one-effect API prescribes.
/// </summary>
public static class EffectLedger
{
    public const string EffectsCollection = "effects";

    public static readonly EventCatalog Catalog = new([new EventFamily("probe", [ProjectCreated.Descriptor], Publishers: ["publisher"], Subscribers: ["consumer-a", "consumer-b"])]);

    public static ServiceApp Service(bool haltAfterCommit) => new(
        "consumer-a",
        "ServiceDesk.EventReplica",
        builder =>
        {
            builder.AddServiceDefaults("consumer-a");
            builder.AddServiceStorage("consumer-a");
            builder.AddRedis("consumer-a");
            builder.Services.AddSingleton(Catalog);
            builder.Services.AddSingleton(new AfterCommit(haltAfterCommit));
            builder.AddEventBus().AddSubscription<ProjectCreated, LedgerHandler>();
        },
        app => app.MapServiceDefaults());

    /// <summary>Effects per event id.</summary>
    public static IReadOnlyDictionary<string, int> Effects(LiteDatabase database) =>
        database.GetCollection(EffectsCollection).FindAll().GroupBy(d => d["EventId"].AsString).ToDictionary(g => g.Key, g => g.Count());
}

/// <summary>Where the killed replica stops: its first commit is announced and never acknowledged.</summary>
public sealed class AfterCommit(bool halt)
{
    public async Task ReachedAsync(string eventId, CancellationToken cancellationToken)
    {
        if (halt)
        {
            Console.WriteLine($"committed {eventId}");
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }
}

public sealed class LedgerHandler(LiteDatabase database, TimeProvider time, AfterCommit afterCommit) : IIntegrationEventHandler<ProjectCreated>
{
    public async Task HandleAsync(ProjectCreated message, EventContext context, CancellationToken cancellationToken)
    {
        // Synchronous from BeginTrans to Commit: a LiteDB transaction belongs to its thread.
        database.BeginTrans();
        try
        {
            LiteDbInboxStore.RecordHandled(database, context, time.GetUtcNow());
            database.GetCollection(EffectLedger.EffectsCollection).Insert(new BsonDocument { ["EventId"] = context.EventId, ["ProjectKey"] = message.ProjectKey });
            database.Commit();
        }
        catch
        {
            database.Rollback();
            throw;
        }

        await afterCommit.ReachedAsync(context.EventId, cancellationToken);
    }
}
