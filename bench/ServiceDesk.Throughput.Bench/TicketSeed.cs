using ServiceDesk.Hosting;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Storage;
using ServiceDesk.Storage.LiteDb;
using ServiceDesk.Ticketing.Tickets;
using TicketStatus = ServiceDesk.Contracts.Ticketing.V1.TicketStatus;

namespace ServiceDesk.Throughput.Bench;

/// <summary>
/// Tickets written straight into Ticketing's LiteDB file through its own store (no events), while Ticketing is
/// stopped: every (count / customerTickets)-th reported by one customer, the others by the other customers in turn.
/// </summary>
public static class TicketSeed
{
    public static async Task SeedAsync(string dataDirectory, string project, int count, int customerTickets, string customer, IReadOnlyList<string> others)
    {
        using var database = LiteDbFiles.Open(new StorageOptions { DataDirectory = dataDirectory }, ServiceNames.Ticketing);
        // The local run's tombstone pepper (deploy/local's SecretFile.TombstonePepper), which keys Ticketing's mention tokens.
        var pepper = Convert.FromBase64String((await File.ReadAllTextAsync(Path.Combine(dataDirectory, "tombstone-pepper.key"))).Trim());
        var outbox = new LiteDbOutboxStore(database);
        var store = new LiteDbTicketStore(database, outbox, new LiteDbErasureLedger(database, outbox), new MentionTokens(new TombstonePepper(pepper)));
        var every = Math.Max(1, count / Math.Max(1, customerTickets));
        var now = DateTimeOffset.UtcNow;
        for (var number = 1; number <= count; number++)
        {
            var reporter = number % every == 0 && number / every <= customerTickets ? customer : others[number % others.Count];
            var ticket = new Ticket(
                Ticket.IdOf(project, number), project, number, $"Seeded request {number}", "The printer on the third floor shows an error.",
                reporter, [], TicketStatus.Open, [], now, now, Version: 1);
            await store.InsertAsync(ticket, [], mail: null, CancellationToken.None);
        }

        database.Checkpoint();
    }
}
