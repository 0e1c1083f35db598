using ServiceDesk.Throughput.Bench;

// Usage (bench/run-throughput.sh runs it pinned to the load core):
//   ServiceDesk.Throughput.Bench [--creates N] [--removals N] [--big-tickets N] [--big-customer-tickets N] [--skip-big] [--big-warm-file] [--big-without-load]
//                                [--server-cores LIST] [--base-port PORT] [--data-dir DIR]
// Internal sub-commands, started by the bench itself on the server cores: raw-customers, raw-tickets, raw-event-floor, raw-removal-floor, subscribers.
return args.FirstOrDefault() switch
{
    RawInsertLoop.CustomersCommand => await RawInsertLoop.RunCustomersAsync(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture)),
    RawInsertLoop.TicketsCommand => await RawInsertLoop.RunTicketsAsync(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture)),
    RawInsertLoop.EventFloorCommand => await RawInsertLoop.RunEventFloorAsync(args[1], args[2], int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture)),
    RawInsertLoop.RemovalFloorCommand => await RawInsertLoop.RunRemovalFloorAsync(args[1], args[2], int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture)),
    PubSubRoundTrip.SubscribersCommand => await PubSubRoundTrip.RunSubscribersAsync(args[1]),
    _ => await ThroughputBench.RunAsync(BenchOptions.Parse(args)),
};
