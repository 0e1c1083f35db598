using System.Globalization;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Messaging.Catalog;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Storage;
using ServiceDesk.Storage.LiteDb;

// usage: ServiceDesk.OutboxWriter <data directory> <service name> <count>
// Commits <count> ProjectCreated events to the service's outbox exactly as a service's state change does,
// says "committed", and then waits to be killed: no relay runs in this process.
var (dataDirectory, serviceName, count) = (args[0], args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
using var database = LiteDbFiles.Open(new StorageOptions { DataDirectory = dataDirectory }, serviceName);
var outbox = new LiteDbOutboxStore(database);
var catalog = new EventCatalog([new EventFamily("probe", [ProjectCreated.Descriptor], Publishers: [serviceName], Subscribers: ["consumer-a"])]);
var events = new IntegrationEvents(catalog, outbox, new OutboxSignal(), new ServiceInfo(serviceName), TimeProvider.System);
var messages = Enumerable.Range(0, count).Select(i => new ProjectCreated { ProjectKey = $"K{i}" }).ToList<Google.Protobuf.IMessage>();
await events.PublishAsync(messages, CancellationToken.None);
Console.WriteLine("committed");
await Task.Delay(Timeout.Infinite);
