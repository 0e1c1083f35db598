using ServiceDesk.Directory.Projects;
using ServiceDesk.Messaging.Consuming;
using Xunit;

namespace ServiceDesk.Directory.Tests.Stores;

public abstract class ProjectStoreContract(IStoreBackend backend) : IDisposable
{
    public void Dispose() => (backend as IDisposable)?.Dispose();

    private IProjectStore NewStore() => backend.Open<IProjectStore>(db => new LiteDbProjectStore(db), db => new MongoProjectStore(db));

    [SkippableFact]
    public async Task A_key_is_created_once_and_known_from_then_on()
    {
        var projects = NewStore();

        Assert.False(await projects.ExistsAsync("HELP", default));
        Assert.True(await projects.RegisterAsync("HELP", TestData.Now, default));
        Assert.False(await projects.RegisterAsync("HELP", TestData.Now, default));

        Assert.True(await projects.ExistsAsync("HELP", default));
        Assert.False(await projects.ExistsAsync("HELP2", default));
    }

    [SkippableFact]
    public async Task A_key_registered_from_an_event_records_the_event_with_it_once()
    {
        var projects = NewStore();
        var created = new EventContext("event-1", "ticketing", TestData.Now, "projects", "1-0");

        Assert.True(await projects.RegisterFromEventAsync("HELP", TestData.Now, created, default));
        await Assert.ThrowsAsync<EventAlreadyHandledException>(() => projects.RegisterFromEventAsync("HELP", TestData.Now, created, default));
        Assert.False(await projects.RegisterFromEventAsync("HELP", TestData.Now, created with { EventId = "event-2" }, default));

        Assert.True(await projects.ExistsAsync("HELP", default));
    }

    [SkippableFact]
    public async Task Concurrent_registrations_of_one_key_create_it_exactly_once()
    {
        var projects = NewStore();

        var created = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => projects.RegisterAsync("HELP", TestData.Now, default))));

        Assert.Single(created, wasCreated => wasCreated);
    }

    /// <summary>
    /// An admin's registration and the project's event, for one key at once: exactly one creates it, and the event is
    /// handled either way. Checked before the projects' lock, the event once failed on the duplicate key.
    /// </summary>
    [SkippableFact]
    public async Task A_registration_and_the_project_s_event_at_once_create_it_once_and_the_event_is_handled()
    {
        var projects = NewStore();
        for (var round = 0; round < 100; round++)
        {
            var key = $"P{round}";
            using var start = new Barrier(2);
            var registering = Task.Run(() =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(10));
                return projects.RegisterAsync(key, TestData.Now, default);
            });
            var handling = Task.Run(() =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(10));
                return projects.RegisterFromEventAsync(key, TestData.Now, new EventContext($"event-{round}", "ticketing", TestData.Now, "projects", "1-0"), default);
            });

            Assert.Single(await Task.WhenAll(registering, handling), wasCreated => wasCreated);
        }
    }
}

public sealed class LiteDbProjectStoreTests() : ProjectStoreContract(new LiteDbBackend());

public sealed class MongoProjectStoreTests() : ProjectStoreContract(new MongoBackend());
