using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Health.V1;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Hosting;

namespace ServiceDesk.Throughput.Bench;

/// <summary>Issue 13 (b), (d), (e): every figure printed next to its same-run baseline and the ratio.</summary>
public static class ThroughputBench
{
    private const int InFlight = 8;
    private const int RemovalsInFlight = 16;
    /// <summary>Calls per warm-up round (<see cref="WarmUpAsync"/>).</summary>
    private const int WarmUp = 300;
    private const int MaxWarmUpRounds = 20;

    /// <summary>
    /// Removals per warm-up round before the measured ones (<see cref="WarmUpAsync"/>): the first removals run each
    /// service's erasure path for the first time, and its JIT compilation (then the recompilation of hot methods) was
    /// most of their CPU in a profile of a short run.
    /// </summary>
    private const int WarmUpRemovals = 60;
    private const int MaxRemovalWarmUpRounds = 5;

    /// <summary>Removals on the restarted system before the large one (<see cref="WarmUpRemovalsAsync"/>).</summary>
    private const int BigWarmUpRemovals = 20;
    private const string Project = "BENCH";
    private const string SeedProject = "SEED";

    /// <summary>The baseline and the removals start once the server is this quiet (share of a core over a second), or after the timeout.</summary>
    private const double QuietShare = 0.05;

    private static readonly TimeSpan QuietTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long the services' idle CPU use (background loops) is sampled before the removals, to set it apart from theirs.</summary>
    private static readonly TimeSpan IdleSample = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(BenchOptions options)
    {
        Console.WriteLine($"data directory {options.DataDirectory}, server cores {options.ServerCores}, load on this process's cores");
        Directory.CreateDirectory(options.DataDirectory);
        if (!OperatingSystem.IsWindows())
        {
            // Owner-only, as the local run makes its own: else the local run warns that it is open to others.
            File.SetUnixFileMode(options.DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var rawDirectory = Path.Combine(options.DataDirectory, "raw");
        var rawCustomers = RawInsertLoop.Result.Parse(await PinnedProcess.RunSelfAsync(options.ServerCores, RawInsertLoop.CustomersCommand, rawDirectory, options.Creates.ToString(CultureInfo.InvariantCulture)));
        var rawTickets = RawInsertLoop.Result.Parse(await PinnedProcess.RunSelfAsync(options.ServerCores, RawInsertLoop.TicketsCommand, rawDirectory, options.Creates.ToString(CultureInfo.InvariantCulture)));

        List<string> customers;
        string bigCustomer;
        await using (var system = await RunningSystem.StartAsync(options))
        {
            await CreateProjectAsync(system, Project);
            await CreateProjectAsync(system, SeedProject);
            var created = new ConcurrentBag<string>();
            Console.WriteLine("CreateCustomer " + await WarmUpAsync(system, async i => created.Add(await CreateCustomerAsync(system, $"warm{i}"))));
            customers = [.. created];
            created.Clear();
            var nullCall = await NullCallMicrosecondsAsync(system, options.Creates);
            var cpu = system.Cpu.Seconds();
            var customerRate = await Measure.ClosedLoopAsync(options.Creates, InFlight, async i => created.Add(await CreateCustomerAsync(system, $"c{i}")));
            customers.AddRange(created);
            Print("CreateCustomer, 8 in flight", customerRate, "raw LiteDB insert loop", rawCustomers);
            Console.WriteLine("  " + system.Cpu.PerOperation(cpu, options.Creates));
            var customerCpu = system.Cpu.MillisecondsPerOperation(cpu, options.Creates).Values.Sum() * 1000;

            Console.WriteLine("CreateTicket " + await WarmUpAsync(system, i => CreateTicketAsync(system, Project, customers[i % customers.Count])));
            cpu = system.Cpu.Seconds();
            var ticketRate = await Measure.ClosedLoopAsync(options.Creates, InFlight, i => CreateTicketAsync(system, Project, customers[i % customers.Count]));
            Print("CreateTicket, 8 in flight", ticketRate, "raw LiteDB insert loop", rawTickets);
            Console.WriteLine("  " + system.Cpu.PerOperation(cpu, options.Creates));
            await EventFloorAsync(system, options, rawDirectory, rawCustomers, nullCall, customerCpu);

            var needed = WarmUpRemovals * MaxRemovalWarmUpRounds + 2 * options.Removals + 1;
            if (customers.Count < needed + 100)
            {
                customers.AddRange(await CreateCustomersAsync(system, needed + 100 - customers.Count, "extra"));
            }

            var removed = customers[..(WarmUpRemovals * MaxRemovalWarmUpRounds + 2 * options.Removals)];
            customers = customers[removed.Count..];
            await RemovalFloorAsync(system, options, rawDirectory, nullCall);
            await RemovalsAsync(system, options, removed[..^(2 * options.Removals)], removed[^(2 * options.Removals)..^options.Removals], removed[^options.Removals..]);

            bigCustomer = await CreateCustomerAsync(system, "big");
            await CreateTicketAsync(system, Project, bigCustomer);
        }

        if (!options.SkipBig)
        {
            await BigRemovalAsync(options, bigCustomer, customers);
        }

        return 0;
    }

    /// <summary>
    /// Runs <paramref name="call"/> (8 in flight) in rounds of <paramref name="callsPerRound"/> calls until two rounds in a row cost no
    /// less than 90% of the server CPU per call of the round before, at most <paramref name="maxRounds"/> rounds. A fixed warm-up of a
    /// few hundred calls measured a half-compiled system: the runtime's tiered compilation was still recompiling the hot
    /// methods (thousands per service) and ran them unoptimised meanwhile, and with tiering off the same run's creates
    /// cost a third of the CPU. Answers how long it took and the last round's CPU per call.
    /// </summary>
    private static async Task<string> WarmUpAsync(RunningSystem system, Func<int, Task> call, int callsPerRound = WarmUp, int maxRounds = MaxWarmUpRounds)
    {
        double? before = null;
        var flatRounds = 0;
        for (var round = 1; ; round++)
        {
            var cpu = system.Cpu.Seconds();
            var first = (round - 1) * callsPerRound;
            await Measure.ClosedLoopAsync(callsPerRound, InFlight, i => call(first + i));
            var perCall = system.Cpu.MillisecondsPerOperation(cpu, callsPerRound).Values.Sum();
            flatRounds = before is { } previous && perCall > previous * 0.9 ? flatRounds + 1 : 0;
            if (flatRounds == 2 || round == maxRounds)
            {
                return string.Create(CultureInfo.InvariantCulture, $"warmed up with {round * callsPerRound} calls, the last {callsPerRound} at {perCall:F2} ms server CPU per call");
            }

            before = perCall;
        }
    }

    /// <summary>
    /// Directory's CPU per authenticated no-op call (Health/Check <c>liveness</c> with the admin's token, 8 in flight):
    /// what any RPC costs there before its own work.
    /// </summary>
    private static async Task<double> NullCallMicrosecondsAsync(RunningSystem system, int count)
    {
        var request = new HealthCheckRequest { Service = "liveness" };
        // Ten times the rounds of a create: /proc counts CPU in 10 ms ticks.
        Console.WriteLine("null call " + await WarmUpAsync(system, async _ => await system.DirectoryHealth.CheckAsync(request, system.Admin), 10 * WarmUp));
        var cpu = system.Cpu.Seconds();
        await Measure.ClosedLoopAsync(count * 4, InFlight, async _ => await system.DirectoryHealth.CheckAsync(request, system.Admin));
        return system.Cpu.MillisecondsPerOperation(cpu, count * 4)["directory"] * 1000;
    }

    /// <summary>
    /// The floor of (b): what a create that is an authenticated RPC and tells one consumer, without losing the event,
    /// costs at the least (<see cref="RawInsertLoop.RunEventFloorAsync"/> plus Redis's CPU for it, plus the null
    /// call), against the raw insert's CPU, all measured in this run on the server cores: with every process on those
    /// cores, rates go as the inverse of the CPU per operation, so raw CPU ÷ floor CPU bounds the ratio to the raw loop.
    /// </summary>
    private static async Task EventFloorAsync(RunningSystem system, BenchOptions options, string rawDirectory, RawInsertLoop.Result raw, double nullCall, double customerCpu)
    {
        var (loop, redis) = await FloorLoopAsync(system, options, "the floor", RawInsertLoop.EventFloorCommand, rawDirectory, options.Creates);
        var floor = nullCall + loop.CpuMicroseconds + redis;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"floor of a create, server CPU: null call {nullCall:F0} µs + insert with outbox row, XADD, mark, XREADGROUP, inbox, XACK {loop.CpuMicroseconds:F0} µs + Redis {redis:F0} µs = {floor:F0} µs; " +
            $"raw insert {raw.CpuMicroseconds:F0} µs (70% of its rate allows {raw.CpuMicroseconds / 0.7:F0} µs); a create at the floor: {raw.CpuMicroseconds / floor:P0} of the raw loop; " +
            $"CreateCustomer measured {customerCpu:F0} µs, {customerCpu / floor:F1}× the floor"));
    }

    /// <summary>
    /// The floor of (d): what one removal costs at the least (<see cref="RawInsertLoop.RunRemovalFloorAsync"/> plus
    /// Redis's CPU for it, plus the null call for <c>RemoveCustomer</c> itself), measured on the server cores in this run.
    /// In sequence, with everything on those cores, a removal cannot take less time than that CPU.
    /// </summary>
    private static async Task RemovalFloorAsync(RunningSystem system, BenchOptions options, string rawDirectory, double nullCall)
    {
        var (loop, redis) = await FloorLoopAsync(system, options, "the removal floor", RawInsertLoop.RemovalFloorCommand, rawDirectory, options.Removals);
        var floor = nullCall + loop.CpuMicroseconds + redis;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"floor of a removal, server CPU: null call {nullCall:F0} µs + Directory's removal, three participants' erasures and receipts, the folds (11 transactions, 3 checkpoints, 16 Redis calls) {loop.CpuMicroseconds:F0} µs " +
            $"+ Redis {redis:F0} µs = {floor / 1000:F2} ms; the loop alone, in sequence: {1000 / loop.PerSecond:F2} ms per removal, p50 {loop.P50Milliseconds:F2} ms, p99 {loop.P99Milliseconds:F2} ms (target p50 5 ms, p99 25 ms)"));
    }

    /// <summary>
    /// Runs a floor loop (<paramref name="command"/>, <paramref name="count"/> operations) on the server cores once the
    /// server is quiet; answers its result and Redis's CPU microseconds per operation meanwhile.
    /// </summary>
    private static async Task<(RawInsertLoop.Result Loop, double RedisMicroseconds)> FloorLoopAsync(
        RunningSystem system, BenchOptions options, string what, string command, string rawDirectory, int count)
    {
        Console.WriteLine($"before {what}: " + await system.Cpu.WaitUntilQuietAsync(QuietShare, QuietTimeout));
        var cpu = system.Cpu.Seconds();
        var loop = RawInsertLoop.Result.Parse(
            await PinnedProcess.RunSelfAsync(options.ServerCores, command, rawDirectory, system.Redis, count.ToString(CultureInfo.InvariantCulture)));
        // The loop's warm-up (one to five rounds) is Redis's work too.
        var redis = system.Cpu.MillisecondsPerOperation(cpu, count + loop.WarmUpOperations).Where(process => IsRedis(process.Key)).Sum(process => process.Value) * 1000;
        return (loop, redis);
    }

    private static async Task RemovalsAsync(RunningSystem system, BenchOptions options, IReadOnlyList<string> warmUp, IReadOnlyList<string> sequential, IReadOnlyList<string> concurrent)
    {
        await using (var baseline = await PubSubRoundTrip.ConnectAsync(system.Redis))
        {
            using var subscribers = PinnedProcess.Start(options.ServerCores, typeof(ThroughputBench).Assembly.Location, [PubSubRoundTrip.SubscribersCommand, system.Redis], redirectInput: true);
            await subscribers.StandardOutput.ReadLineAsync();
            for (var i = 0; i < 100; i++)
            {
                await baseline.TimeOneAsync();
            }

            Console.WriteLine("before the baseline: " + await system.Cpu.WaitUntilQuietAsync(QuietShare, QuietTimeout));
            var baselineCpu = system.Cpu.Seconds();
            var clock = Stopwatch.StartNew();
            var inSequence = new List<double>();
            for (var i = 0; i < options.Removals; i++)
            {
                inSequence.Add(await baseline.TimeOneAsync());
            }

            var inFlight = new ConcurrentBag<double>();
            await Measure.ClosedLoopAsync(options.Removals, RemovalsInFlight, async _ => inFlight.Add(await baseline.TimeOneAsync()));
            var busy = system.Cpu.Busy(baselineCpu, clock.Elapsed);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"during the baseline the services and Redis used {busy.Values.Sum():P1} of a core"));
            Console.WriteLine($"baseline PUBLISH -> 4 subscribers -> 4 acks, in sequence: {Measure.Summary(inSequence)}");
            Console.WriteLine($"baseline PUBLISH -> 4 subscribers -> 4 acks, 16 in flight: {Measure.Summary(inFlight)}");
            subscribers.StandardInput.Close();
            await subscribers.WaitForExitAsync();
        }

        await using var watcher = await ErasureWatcher.StartAsync(system);
        Console.WriteLine("RemoveCustomer " + await WarmUpAsync(system, i => watcher.RemoveAsync(warmUp[i]), WarmUpRemovals, MaxRemovalWarmUpRounds));

        var sequentialRemovals = new List<(ErasureRequest, double)>();
        Console.WriteLine("before the removals: " + await system.Cpu.WaitUntilQuietAsync(QuietShare, QuietTimeout));
        var idle = system.Cpu.Seconds();
        await Task.Delay(IdleSample);
        Console.WriteLine("  idle " + system.Cpu.PerOperation(idle, (int)IdleSample.TotalSeconds).Replace("per operation", "per second", StringComparison.Ordinal));
        await using var redisCalls = await RedisCommandCounts.ConnectAsync(system.Redis);
        var callsBefore = await redisCalls.ReadAsync();
        var cpu = system.Cpu.Seconds();
        var elapsed = Stopwatch.StartNew();
        foreach (var customer in sequential)
        {
            sequentialRemovals.Add(await watcher.RemoveAsync(customer));
        }

        Report("RemoveCustomer until COMPLETED, in sequence", sequentialRemovals);
        // Whether a removal costs more as the removals before it grow the services' inboxes, ledgers and outboxes.
        var quarter = Math.Max(1, sequentialRemovals.Count / 4);
        Console.WriteLine("  by quarter of the sequence, client-observed: " + string.Join("; ", sequentialRemovals.Chunk(quarter)
            .Select(chunk => Measure.Summary(chunk.Select(removal => removal.Item2)))));
        var perRemoval = system.Cpu.MillisecondsPerOperation(cpu, sequential.Count);
        Console.WriteLine("  " + system.Cpu.PerOperation(cpu, sequential.Count)
            + string.Create(CultureInfo.InvariantCulture, $", with the watcher's GetErasure calls and the idle use over {elapsed.Elapsed.TotalSeconds:F1} s"));
        Console.WriteLine("  " + await redisCalls.PerOperationAsync(callsBefore, sequential.Count));
        Console.WriteLine("  " + InRedisUnits(perRemoval));
        var concurrentRemovals = new ConcurrentBag<(ErasureRequest, double)>();
        await Measure.ClosedLoopAsync(concurrent.Count, RemovalsInFlight, async i => concurrentRemovals.Add(await watcher.RemoveAsync(concurrent[i])));
        Report("RemoveCustomer until COMPLETED, 16 in flight", concurrentRemovals);
        Console.WriteLine($"  removals FAILED on the way (a participant's failed attempt, then retried) in the warm-up and both runs: {watcher.FailedOnTheWay}");
    }

    /// <summary>
    /// The four services' CPU per removal as a multiple of Redis's. Redis does the same work per removal whatever the
    /// services' build (the same 33 commands), so the ratio compares builds across the machine's drift: one afternoon
    /// the floor of a removal measured 4.8 to 8.4 ms between runs, and the services' CPU moved with it.
    /// </summary>
    private static string InRedisUnits(IReadOnlyDictionary<string, double> perRemoval)
    {
        var redis = perRemoval.Where(process => IsRedis(process.Key)).Sum(process => process.Value);
        var services = perRemoval.Where(process => ServiceNames.Backends.Contains(process.Key)).OrderBy(process => process.Key).ToList();
        return string.Create(CultureInfo.InvariantCulture, $"in units of Redis's CPU per removal ({redis:F2} ms): the four services {services.Sum(process => process.Value) / redis:F2} (")
            + string.Join(", ", services.Select(process => string.Create(CultureInfo.InvariantCulture, $"{process.Key} {process.Value / redis:F2}"))) + ")";
    }

    private static bool IsRedis(string process) => process.StartsWith("redis", StringComparison.Ordinal);

    private static void Report(string what, IReadOnlyCollection<(ErasureRequest Request, double Milliseconds)> removals)
    {
        Console.WriteLine($"{what}, client-observed (GetErasure every 1 ms once the receipts are in the stream): {Measure.Summary(removals.Select(removal => removal.Milliseconds))}");
        Console.WriteLine($"{what}, received_at -> completed_at (Directory's clock): {Measure.Summary(removals.Select(removal => Milliseconds(removal.Request.ReceivedAt, removal.Request.CompletedAt)))}");
        foreach (var service in removals.First().Request.Participants.Select(participant => participant.Service))
        {
            var receipts = removals.Select(removal => Milliseconds(removal.Request.ReceivedAt, removal.Request.Participants.Single(participant => participant.Service == service).UpdatedAt));
            var slowest = removals.Count(removal => removal.Request.Participants.MaxBy(participant => participant.UpdatedAt.ToDateTimeOffset())!.Service == service);
            Console.WriteLine($"  {service,-13} receipt folded after {Measure.Summary(receipts)}; last of the four in {slowest} of {removals.Count}");
        }
    }

    /// <summary>
    /// A customer on <see cref="BenchOptions.BigCustomerTickets"/> of <see cref="BenchOptions.BigTickets"/> tickets, seeded
    /// through Ticketing's own store while the system is stopped; then their removal is timed while tickets are
    /// created at 8 in flight, against the creation rate without a removal.
    /// </summary>
    private static async Task BigRemovalAsync(BenchOptions options, string bigCustomer, IReadOnlyList<string> others)
    {
        var seeding = Stopwatch.StartNew();
        await TicketSeed.SeedAsync(options.DataDirectory, SeedProject, options.BigTickets, options.BigCustomerTickets, bigCustomer, others);
        Console.WriteLine($"seeded {options.BigTickets} tickets ({options.BigCustomerTickets} reported by one customer) in {seeding.Elapsed.TotalSeconds:F1} s");
        await using var system = await RunningSystem.StartAsync(options);
        // The first round retries: right after the start, on a loaded machine, Directory answered some of the first calls too late.
        Console.WriteLine("CreateTicket on the restarted system " + await WarmUpAsync(system, async i =>
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await CreateTicketAsync(system, Project, others[i % others.Count]);
                    return;
                }
                catch (RpcException exception) when (exception.StatusCode == StatusCode.Unavailable && attempt < 10)
                {
                    await Task.Delay(100);
                }
            }
        }));
        await WarmUpRemovalsAsync(system);
        var alone = await Measure.ClosedLoopAsync(options.Creates, InFlight, i => CreateTicketAsync(system, Project, others[i % others.Count]));
        var ticketingFile = Path.Combine(options.DataDirectory, "ticketing.db");
        Console.WriteLine($"ticketing.db in the page cache before the removal: {await PageCache.ResidentAsync(ticketingFile)}");
        if (options.BigWarmFile)
        {
            await PageCache.ReadAsync(ticketingFile);
            Console.WriteLine($"  after reading it through once (--big-warm-file): {await PageCache.ResidentAsync(ticketingFile)}");
        }

        using var stop = new CancellationTokenSource();
        var createdDuring = 0;
        var removing = false;
        // Without the load (--big-without-load), the removal has the server core to itself.
        var load = Task.WhenAll(Enumerable.Range(0, options.BigWithoutLoad ? 0 : InFlight).Select(async worker =>
        {
            for (var i = worker; !stop.IsCancellationRequested; i += InFlight)
            {
                await CreateTicketAsync(system, Project, others[i % others.Count]);
                if (Volatile.Read(ref removing))
                {
                    Interlocked.Increment(ref createdDuring);
                }
            }
        }));
        await Task.Delay(500);
        var clock = Stopwatch.StartNew();
        Volatile.Write(ref removing, true);
        var request = await system.Erasure.RemoveCustomerAsync(new RemoveCustomerRequest { CustomerId = bigCustomer, Reason = ErasureReason.AccountClosed }, system.Admin);
        while (request.Status == ErasureStatus.InProgress)
        {
            await Task.Delay(5);
            request = await system.Erasure.GetErasureAsync(new GetErasureRequest { ErasureId = request.Id }, system.Admin);
        }

        var elapsed = clock.Elapsed;
        Volatile.Write(ref removing, false);
        var during = Volatile.Read(ref createdDuring) / elapsed.TotalSeconds;
        await stop.CancelAsync();
        await load;
        var ticketing = request.Participants.Single(participant => participant.Service == "ticketing");
        Console.WriteLine(
            $"removal of a customer on {options.BigCustomerTickets} of {options.BigTickets} tickets{(options.BigWithoutLoad ? " (no CreateTicket load)" : string.Empty)}: {request.Status} in {elapsed.TotalMilliseconds:F0} ms (client), " +
            $"{Milliseconds(request.ReceivedAt, request.CompletedAt):F0} ms received_at -> completed_at; ticketing counts {ticketing.Counts}");
        foreach (var participant in request.Participants)
        {
            Console.WriteLine($"  {participant.Service,-13} receipt folded after {Milliseconds(request.ReceivedAt, participant.UpdatedAt):F0} ms");
        }

        foreach (var (service, logged, steps) in await LoggedStepsAsync(options.DataDirectory, request.Id))
        {
            Console.WriteLine($"  {service,-13} logged its part done after {(logged - request.ReceivedAt.ToDateTimeOffset()).TotalMilliseconds:F0} ms{steps}");
        }

        if (!options.BigWithoutLoad)
        {
            Print("CreateTicket during that removal, 8 in flight", during, "CreateTicket without a removal", alone);
        }
    }

    /// <summary>
    /// Removals of customers with one ticket each on the restarted system, before the measured one, as before the
    /// removals in sequence: the first removal after a start ran each service's erasure path for the first time (JIT),
    /// and Directory's part of it alone took 2.1 s under load. Printed, so the first removal's cost stays visible.
    /// </summary>
    private static async Task WarmUpRemovalsAsync(RunningSystem system)
    {
        var customers = await CreateCustomersAsync(system, BigWarmUpRemovals, "bigwarm");
        foreach (var customer in customers)
        {
            await CreateTicketAsync(system, Project, customer);
        }

        await using var watcher = await ErasureWatcher.StartAsync(system);
        var first = await watcher.RemoveAsync(customers[0]);
        foreach (var customer in customers.Skip(1))
        {
            await watcher.RemoveAsync(customer);
        }

        Console.WriteLine($"first removal after the restart (a customer on 1 ticket, JIT included): {first.Milliseconds:F0} ms (client); {BigWarmUpRemovals - 1} more before the measured one");
    }

    /// <summary>
    /// When each service logged its part of the removal done: Directory its own removal, the others their erasure, with
    /// how long its plan, changes and checkpoint took.
    /// </summary>
    private static async Task<IReadOnlyList<(string Service, DateTimeOffset Logged, string Steps)>> LoggedStepsAsync(string dataDirectory, string erasureId)
    {
        var steps = new List<(string, DateTimeOffset, string)>();
        foreach (var log in Directory.GetFiles(Path.Combine(dataDirectory, "logs"), "*.log").Order(StringComparer.Ordinal))
        {
            foreach (var line in await File.ReadAllLinesAsync(log))
            {
                if (line.Contains(erasureId, StringComparison.Ordinal)
                    && (line.Contains("completed here", StringComparison.Ordinal) || line.Contains("removed customer", StringComparison.Ordinal)))
                {
                    using var entry = System.Text.Json.JsonDocument.Parse(line);
                    var state = entry.RootElement.GetProperty("state");
                    var durations = state.TryGetProperty("PlanMs", out var plan)
                        ? $" (plan {plan.GetString()} ms, apply {state.GetProperty("ApplyMs").GetString()} ms, checkpoint and receipt {state.GetProperty("CompleteMs").GetString()} ms)"
                        : string.Empty;
                    steps.Add((Path.GetFileNameWithoutExtension(log), entry.RootElement.GetProperty("time").GetDateTimeOffset(), durations));
                }
            }
        }

        return steps;
    }

    private static async Task CreateProjectAsync(RunningSystem system, string key) =>
        await system.Ticketing.CreateProjectAsync(new CreateProjectRequest { Key = key, Name = key }, system.Admin);

    private static async Task<List<string>> CreateCustomersAsync(RunningSystem system, int count, string prefix)
    {
        var created = new ConcurrentBag<string>();
        await Measure.ClosedLoopAsync(count, InFlight, async i => created.Add(await CreateCustomerAsync(system, $"{prefix}{i}")));
        return [.. created];
    }

    /// <summary>Retries while Directory has not yet heard of the project (Ticketing's ProjectCreated event).</summary>
    private static async Task<string> CreateCustomerAsync(RunningSystem system, string name)
    {
        var request = new CreateCustomerRequest { Address = $"{name}.{Guid.NewGuid():N}@bench.example", DisplayName = $"Bench Customer {name}", ProjectKeys = { Project } };
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return (await system.Directory.CreateCustomerAsync(request, system.Admin)).Id;
            }
            catch (RpcException exception) when (exception.StatusCode is StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.NotFound && attempt < 100)
            {
                await Task.Delay(100);
            }
        }
    }

    private static Task<Ticket> CreateTicketAsync(RunningSystem system, string project, string reporter) =>
        system.Ticketing.CreateTicketAsync(
            new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = reporter, Summary = "Printer is out of toner", Description = "The printer on the third floor shows an error." },
            system.Admin).ResponseAsync;

    private static double Milliseconds(Google.Protobuf.WellKnownTypes.Timestamp from, Google.Protobuf.WellKnownTypes.Timestamp to) =>
        (to.ToDateTimeOffset() - from.ToDateTimeOffset()).TotalMilliseconds;

    private static void Print(string what, double rate, string baseline, double baselineRate) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: {rate:F0}/s; {baseline}: {baselineRate:F0}/s; ratio {rate / baselineRate:P0}"));

    private static void Print(string what, double rate, string baseline, RawInsertLoop.Result raw) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: {rate:F0}/s; {baseline}: {raw.PerSecond:F0}/s ({raw.CpuMicroseconds:F0} µs CPU per insert); ratio {rate / raw.PerSecond:P0}"));
}
