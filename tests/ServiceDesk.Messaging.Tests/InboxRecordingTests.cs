using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using LiteDB;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.Inbox;
using ServiceDesk.Storage.LiteDb;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Messaging.Tests;

/// <summary>Who records a delivered event in the inbox: the handler's transaction, or else the dispatcher once it returned.</summary>
public sealed class InboxRecordingTests : IDisposable
{
    private readonly LiteDatabase _database = new($"Filename={Path.Combine(TestDirectory.Create("inbox-recording"), "inbox.db")};Connection=direct");
    private readonly ServiceProvider _services = new ServiceCollection().BuildServiceProvider();

    public void Dispose()
    {
        _database.Dispose();
        _services.Dispose();
    }

    [Fact]
    public async Task The_dispatcher_does_not_record_again_an_event_the_handler_recorded_in_its_transaction()
    {
        var inbox = new LiteDbInboxStore(_database, TimeProvider.System);
        // The handler records the event and then (only here) takes the record out again: a dispatcher that recorded it a
        // second time after the handler would leave a record behind.
        var dispatcher = new EventDispatcher([new Handler(context =>
        {
            _database.InTransaction(() => LiteDbInboxStore.RecordHandled(_database, context, DateTimeOffset.UtcNow));
            _database.GetCollection("inbox").Delete(context.EventId);
        })], _services.GetRequiredService<IServiceScopeFactory>(), inbox);
        var (envelope, context) = Delivery();

        Assert.Equal(DispatchOutcome.Handled, await dispatcher.DispatchAsync(envelope, context, CancellationToken.None));

        Assert.True(context.RecordedByHandler);
        Assert.False(await inbox.IsHandledAsync(envelope.EventId, CancellationToken.None));
    }

    [Fact]
    public async Task The_dispatcher_records_an_event_whose_handler_did_not()
    {
        var inbox = new LiteDbInboxStore(_database, TimeProvider.System);
        var dispatcher = new EventDispatcher([new Handler(_ => { })], _services.GetRequiredService<IServiceScopeFactory>(), inbox);
        var (envelope, context) = Delivery();

        Assert.Equal(DispatchOutcome.Handled, await dispatcher.DispatchAsync(envelope, context, CancellationToken.None));
        Assert.Equal(DispatchOutcome.AlreadyHandled, await dispatcher.DispatchAsync(envelope, context with { EntryId = "2-0" }, CancellationToken.None));

        Assert.False(context.RecordedByHandler);
        Assert.True(await inbox.IsHandledAsync(envelope.EventId, CancellationToken.None));
    }

    private static (EventEnvelope Envelope, EventContext Context) Delivery()
    {
        var envelope = new EventEnvelope { EventId = Guid.NewGuid().ToString("N"), Source = "publisher", Payload = Any.Pack(new ProjectCreated { ProjectKey = "HELP" }) };
        return (envelope, new EventContext(envelope.EventId, envelope.Source, DateTimeOffset.UtcNow, "probe", "1-0"));
    }

    private sealed class Handler(Action<EventContext> handle) : IEventSubscription
    {
        public MessageDescriptor EventType => ProjectCreated.Descriptor;

        public Task DispatchAsync(IServiceProvider services, EventEnvelope envelope, EventContext context, CancellationToken cancellationToken)
        {
            handle(context);
            return Task.CompletedTask;
        }
    }
}
