using ServiceDesk.EventReplica;
using ServiceDesk.Testing;

// usage: ServiceDesk.EventReplica <data directory> <Key=Value setting>...
// Runs the "consumer-a" ledger service, says "ready", and after its handler's first commit says
// "committed <event id>" and holds the event unacknowledged until the process is killed.
var settings = args.Skip(1).Select(a => a.Split('=', 2)).ToDictionary(pair => pair[0], pair => (string?)pair[1]);
await using var host = await ServiceHost.StartAsync(EffectLedger.Service(haltAfterCommit: true), settings, args[0]);
Console.WriteLine("ready");
await Task.Delay(Timeout.Infinite);
