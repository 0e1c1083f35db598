using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Testing.Forensics;
using Xunit;
using Xunit.Abstractions;
using static ServiceDesk.Testing.IdentityTestHost;
using ErasureMode = ServiceDesk.Contracts.Directory.V1.ErasureMode;

namespace ServiceDesk.Faults.Tests;

/// <summary>
/// 200 customer removals issued while a random schedule SIGKILLs and restarts the services, SIGKILLs Redis once
/// (it comes back from its append-only file) and makes one service's store unavailable for a while (its LiteDB
/// file locked while it restarts). Every request completes; each service carries each removal out once (its
/// counts are those of one customer, and every receipt it appended for a request says the same); no event is
/// dead-lettered; the forensic scan finds no removed address in any store, log, mail file, AOF or Redis key; the
/// processes' working sets stay bounded. The schedule's seed is printed; set FAULTS_SEED to replay one.
/// </summary>
public sealed class RemovalsUnderFaultsTests(ITestOutputHelper output)
{
    private const int Removals = 200;
    private const int Kills = 6;
    private const int Workers = 4;

    // A service here holds a few hundred customers: its working set is the runtime, the ASP.NET Core and gRPC
    // stack and LiteDB's cache. 600 MiB is about three times what one uses at rest: a leak per request or an
    // unbounded queue would cross it within 200 removals and their retries.
    private const long WorkingSetBound = 600L * 1024 * 1024;

    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Removals_complete_once_each_while_services_and_redis_are_killed_and_a_store_is_unavailable()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("FAULTS_SEED"), CultureInfo.InvariantCulture, out var fixedSeed) ? fixedSeed : Random.Shared.Next();
        var progress = Path.Combine(Path.GetTempPath(), "servicedesk-tests", $"faults-{seed}.log");
        void Report(string line)
        {
            output.WriteLine(line);
            File.AppendAllLines(progress, [$"{DateTime.UtcNow:HH:mm:ss} {line}"]);
        }

        Report($"FAULTS_SEED={seed}");
        var random = new Random(seed);
        var clock = Stopwatch.StartNew();

        await using var system = await ProcessSystem.StartAsync();
        Report($"started in {clock.Elapsed.TotalSeconds:F0} s");
        // A channel waits longer between connection attempts after each failed one (by default up to 120 s): after a
        // service was killed several times, its clients could still be waiting long past Disruptions.Grace.
        var channelOptions = new GrpcChannelOptions { MaxReconnectBackoff = TimeSpan.FromSeconds(2) };
        using var identityChannel = GrpcChannel.ForAddress(system[ServiceNames.Identity].GrpcUri, channelOptions);
        using var directoryChannel = GrpcChannel.ForAddress(system[ServiceNames.Directory].GrpcUri, channelOptions);
        using var ticketingChannel = GrpcChannel.ForAddress(system[ServiceNames.Ticketing].GrpcUri, channelOptions);
        var identity = new IdentityService.IdentityServiceClient(identityChannel);
        var directory = new DirectoryService.DirectoryServiceClient(directoryChannel);
        var erasures = new ErasureService.ErasureServiceClient(directoryChannel);
        var ticketing = new TicketingService.TicketingServiceClient(ticketingChannel);
        var admin = Bearer((await RetryAsync(() => identity.SignInAsync(new SignInRequest { Login = AdminLogin, Password = Password }, deadline: Deadline()).ResponseAsync)).AccessToken);

        // Each customer to be removed has an account, a ticket they reported, and the mail about it.
        // Set-up, before any fault: a freshly started system on a busy machine answered some first calls after 5 s (CI).
        var project = $"F{seed % 100_000:D5}";
        var projectAsked = false;
        await RetryAsync(async () =>
        {
            try
            {
                return await ticketing.CreateProjectAsync(new CreateProjectRequest { Key = project, Name = "Faults" }, admin, LoadDeadline());
            }
            catch (RpcException error) when (error.StatusCode == StatusCode.AlreadyExists && projectAsked)
            {
                // An earlier attempt created it, and its answer was lost.
                return null;
            }
            finally
            {
                projectAsked = true;
            }
        });
        await RetryAsync(() => directory.RegisterProjectAsync(new RegisterProjectRequest { ProjectKey = project }, admin, LoadDeadline()).ResponseAsync);
        var customers = new ConcurrentBag<Customer>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Removals), new ParallelOptions { MaxDegreeOfParallelism = Workers }, async (index, _) =>
        {
            var customer = await directory.CreateCustomerAsync(
                new CreateCustomerRequest { Address = $"removed-{index}-{Guid.NewGuid():N}@faults.example", DisplayName = $"Removed {index}", ProjectKeys = { project } }, admin, LoadDeadline());
            await identity.CreateAccountAsync(
                new CreateAccountRequest { Login = customer.Address, Password = Password, Role = Role.Customer, CustomerId = customer.Id }, admin, LoadDeadline());
            await ticketing.CreateTicketAsync(new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = customer.Id, Summary = "Please remove me" }, admin, LoadDeadline());
            customers.Add(customer);
        });
        var staying = new List<Customer>();
        for (var index = 0; index < 10; index++)
        {
            staying.Add(await directory.CreateCustomerAsync(
                new CreateCustomerRequest { Address = $"staying-{index}-{Guid.NewGuid():N}@faults.example", DisplayName = $"Loadtester {index}", ProjectKeys = { project } }, admin, LoadDeadline()));
        }

        Report($"{Removals} customers with an account and a ticket after {clock.Elapsed.TotalSeconds:F0} s");

        // The schedule: kills of random services at random moments, one Redis kill and one store outage among them.
        var faults = new List<(TimeSpan Before, string Fault, TimeSpan Down)>();
        var redisAt = random.Next(Kills + 1);
        var storeAt = random.Next(Kills + 1);
        for (var i = 0; i <= Kills; i++)
        {
            var before = TimeSpan.FromMilliseconds(random.Next(1_000, 4_000));
            var down = TimeSpan.FromMilliseconds(random.Next(300, 2_500));
            if (i == redisAt)
            {
                faults.Add((before, "redis", down));
            }

            if (i == storeAt)
            {
                faults.Add((before, $"store:{(random.Next(2) == 0 ? ServiceNames.Ticketing : ServiceNames.Notification)}", TimeSpan.FromMilliseconds(random.Next(3_000, 6_000))));
            }

            if (i < Kills)
            {
                faults.Add((before, ServiceNames.Backends[random.Next(ServiceNames.Backends.Count)], down));
            }
        }

        Report("schedule: " + string.Join(", ", faults.Select(f => $"+{f.Before.TotalSeconds:F1}s {f.Fault} down {f.Down.TotalSeconds:F1}s")));

        var peakWorkingSet = new ConcurrentDictionary<string, long>();
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var service in system.Services.Values)
                {
                    peakWorkingSet.AddOrUpdate(service.Name, service.WorkingSetBytes, (_, peak) => Math.Max(peak, service.WorkingSetBytes));
                }

                await Task.Delay(250);
            }
        });

        // Removals are spread over the schedule (restarts take as long as the machine makes them): the k-th may go
        // out once the fault k × faults / removals has begun.
        var faultsBegun = 0;
        var disruptions = new Disruptions();
        var chaos = Task.Run(async () =>
        {
            foreach (var (before, fault, down) in faults)
            {
                await Task.Delay(before);
                Interlocked.Increment(ref faultsBegun);
                if (fault == "redis")
                {
                    await disruptions.DuringAsync("redis", () => system.KillAndRestartRedisAsync(down));
                }
                else if (fault.StartsWith("store:", StringComparison.Ordinal))
                {
                    var service = system[fault["store:".Length..]];
                    await disruptions.DuringAsync(service.Name, async () =>
                    {
                        service.Kill();
                        var restarted = Task.CompletedTask;
                        // Held exclusively, the file cannot be opened: the restarted process fails to start until it is released.
                        await using (File.Open(Path.Combine(service.DataDirectory, $"{service.Name}.db"), FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                        {
                            restarted = system.RestartAsync(service.Name);
                            await Task.Delay(down);
                        }

                        await restarted;
                    });
                }
                else
                {
                    await disruptions.DuringAsync(fault, async () =>
                    {
                        system[fault].Kill();
                        await Task.Delay(down);
                        await system.RestartAsync(fault);
                    });
                }
            }
        });

        // Load while the removals run: clients raising tickets and querying the picker, held to the rule of
        // LoadFigures: success, the overload answer, or a resend while a service the call needs was down by the
        // test's doing. Creating a ticket needs Ticketing, Directory (the reporter) and Identity (Ticketing's service
        // token, the key set after a restart); the picker needs Directory and Identity.
        var load = new LoadFigures(disruptions);
        string[] ticketNeeds = [ServiceNames.Ticketing, ServiceNames.Directory, ServiceNames.Identity];
        string[] pickerNeeds = [ServiceNames.Directory, ServiceNames.Identity];
        var loadClients = Enumerable.Range(0, 2).Select(client => Task.Run(async () =>
        {
            var index = 0;
            while (!chaos.IsCompleted)
            {
                var customer = staying[(client * 5 + index++) % staying.Count];
                await load.CallAsync("CreateTicket", ticketNeeds, () => ticketing.CreateTicketAsync(
                    new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = customer.Id, Summary = "Under load" }, admin, LoadDeadline()).ResponseAsync);
                await load.CallAsync("SuggestCustomers", pickerNeeds, () => directory.SuggestCustomersAsync(
                    new SuggestCustomersRequest { ProjectKey = project, Text = "Loadt", Limit = 10 }, admin, LoadDeadline()).ResponseAsync);
            }
        })).ToList();

        // The removals, spread over the schedule; a call that fails for a transient cause is sent again.
        var issued = clock.Elapsed;
        var requestIds = new ConcurrentDictionary<string, string>();
        var retries = 0;
        var queue = new ConcurrentQueue<(int Index, Customer Customer)>(customers.Select((customer, index) => (index, customer)));
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(async _ =>
        {
            while (queue.TryDequeue(out var next))
            {
                while (Volatile.Read(ref faultsBegun) < next.Index * faults.Count / Removals && !chaos.IsCompleted)
                {
                    await Task.Delay(50);
                }

                requestIds[next.Customer.Id] = await RemoveAsync(erasures, next.Customer.Id, admin, () => Interlocked.Increment(ref retries));
            }
        }));
        Report($"{Removals} removals accepted in {(clock.Elapsed - issued).TotalSeconds:F0} s with {retries} retries");
        await chaos;
        await Task.WhenAll(loadClients);
        Report($"load: {load}");
        Assert.True(load.Failures.IsEmpty, string.Join('\n', load.Failures.Take(20)));
        Report($"faults over after {clock.Elapsed.TotalSeconds:F0} s: " +
            string.Join(", ", system.Services.Values.Select(s => $"{s.Name} killed {s.Kills}, started {s.Starts}")));

        // Every request completes, each participant's counts those of exactly one customer.
        var completed = new ConcurrentDictionary<string, ErasureRequest>();
        var waiting = Stopwatch.StartNew();
        while (completed.Count < Removals && waiting.Elapsed < TimeSpan.FromSeconds(150))
        {
            foreach (var id in requestIds.Values.Where(id => !completed.ContainsKey(id)))
            {
                var request = await RetryAsync(() => erasures.GetErasureAsync(new GetErasureRequest { ErasureId = id }, admin, Deadline()).ResponseAsync);
                if (request.Status == ErasureStatus.Completed)
                {
                    completed[id] = request;
                }
            }

            await Task.Delay(500);
        }

        Report($"{completed.Count} of {Removals} removals completed {waiting.Elapsed.TotalSeconds:F0} s after the last was accepted");
        Assert.Equal(Removals, completed.Count);
        foreach (var request in completed.Values)
        {
            Assert.Equal(1, Count(request, ServiceNames.Identity, "accounts_deleted"));
            Assert.Equal(1, Count(request, ServiceNames.Ticketing, "tickets_anonymized"));
            Assert.Equal(1, Count(request, ServiceNames.Notification, "addresses_suppressed"));
        }

        // A receipt appended again (a replay after a kill) must repeat the first, not report a second effect. (Not every
        // receipt is still in the stream: acknowledged entries are trimmed, and Redis's kill loses its last second.)
        var receipts = await ReceiptsAsync(system);
        var byRequest = receipts.Where(receipt => completed.ContainsKey(receipt.RequestId)).GroupBy(receipt => (receipt.RequestId, receipt.Service)).ToList();
        var disagreeing = byRequest.Where(group => group.Select(receipt => string.Join(",", receipt.Counts.OrderBy(c => c.Key))).Distinct().Count() > 1).ToList();
        Report($"{receipts.Count} receipts for {byRequest.Count} (request, service) pairs; {byRequest.Count(group => group.Count() > 1)} appended more than once");
        Assert.Empty(disagreeing);

        // Nothing dead-lettered: every failure in the run was transient.
        var deadLettered = 0L;
        foreach (var service in ServiceNames.Backends)
        {
            using var channel = GrpcChannel.ForAddress(system[service].GrpcUri);
            var backlog = await RetryAsync(() => new EventOperations.EventOperationsClient(channel).ListEventBacklogAsync(new ListEventBacklogRequest(), admin, Deadline()).ResponseAsync);
            deadLettered += backlog.Groups.Sum(group => group.DeadLettered);
        }

        Assert.Equal(0, deadLettered);

        await stop.CancelAsync();
        await sampler;
        Report("peak working sets: " + string.Join(", ", peakWorkingSet.Select(p => $"{p.Key} {p.Value / (1024 * 1024)} MiB")));
        Assert.All(peakWorkingSet, peak => Assert.True(peak.Value < WorkingSetBound, $"{peak.Key}: {peak.Value / (1024 * 1024)} MiB"));

        var addresses = customers.Select(customer => customer.Address).ToList();
        var findings = ForensicScan.Files(system.DataDirectories, addresses).Concat(await ForensicScan.RedisAsync(system.Redis.Configuration, addresses)).ToList();
        Report($"forensic scan: {findings.Count} occurrences of {addresses.Count} removed addresses; whole run {clock.Elapsed.TotalSeconds:F0} s");
        Assert.True(findings.Count == 0, string.Join('\n', findings.Take(20)));
    }

    /// <summary>Removes the customer, sending the command again until an answer comes; a request the lost answer created is named by the refusal of the next.</summary>
    private static async Task<string> RemoveAsync(ErasureService.ErasureServiceClient erasures, string customerId, Metadata admin, Action retried)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return (await erasures.RemoveCustomerAsync(
                    new RemoveCustomerRequest { CustomerId = customerId, Mode = ErasureMode.Anonymize, Reason = ErasureReason.CustomerRequest }, admin, Deadline())).Id;
            }
            catch (RpcException error) when (error.StatusCode == StatusCode.FailedPrecondition
                && error.GetRpcStatus()?.GetDetail<PreconditionFailure>()?.Violations.FirstOrDefault()?.Subject is { } subject && subject.StartsWith("erasures/", StringComparison.Ordinal))
            {
                return subject["erasures/".Length..];
            }
            catch (RpcException error) when (IsTransient(error) && deadline.Elapsed < TimeSpan.FromMinutes(2))
            {
                retried();
                await Task.Delay(250);
            }
        }
    }

    private static async Task<T> RetryAsync<T>(Func<Task<T>> call)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await call();
            }
            catch (RpcException error) when (IsTransient(error) && deadline.Elapsed < TimeSpan.FromMinutes(2))
            {
                await Task.Delay(250);
            }
        }
    }

    // A killed or restarting service: no connection, a reset one, or no answer in time.
    private static bool IsTransient(RpcException error) =>
        error.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled or StatusCode.Internal or StatusCode.Unknown;

    private static DateTime Deadline() => DateTime.UtcNow + CallDeadline;

    // A live service answers a load call long before this even on a busy machine; a killed one fails it at once.
    private static DateTime LoadDeadline() => DateTime.UtcNow + TimeSpan.FromSeconds(30);

    private static long Count(ErasureRequest request, string service, string kind) =>
        request.Participants.Single(participant => participant.Service == service).Counts.GetValueOrDefault(kind);

    private static async Task<IReadOnlyList<ErasureReceipt>> ReceiptsAsync(ProcessSystem system)
    {
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(system.Redis.Configuration);
        var entries = await redis.GetDatabase().StreamRangeAsync(new ServiceDesk.Messaging.Catalog.StreamKeys(system.Prefix, "erasure-receipts").Stream);
        return [.. entries.Select(entry => EventEnvelope.Parser.ParseFrom((byte[])entry[ServiceDesk.Messaging.Catalog.EventStreams.EnvelopeField]!).Payload.Unpack<ErasureReceipt>())];
    }
}
