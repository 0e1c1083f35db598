using System.Globalization;
using System.Security.Cryptography;
using Grpc.Health.V1;
using Grpc.Net.Client;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Directory.PickerBench;
using ServiceDesk.Hosting;
using ServiceDesk.LocalRedis;

// Usage (bench/picker/run.sh builds and pins it): PickerBench [--customers 100000] [--seconds 8] [--calls 2000]
//   [--server-core 0] [--client-core 1] [--cache DIR] [--repository DIR] [--cases "j,jane roe"] [--directory-setting Key=Value]
// Starts Redis, Identity (for real agent tokens) and Directory (Release, pinned to the server core) on a seeded
// copy of a Directory file, then measures the null call and SuggestCustomers one call at a time (latency) and with
// h2load (saturation) from the client core; then the same null call against a bare Kestrel gRPC method.
var options = Options.Parse(args);
BenchProcess.PinThisProcess(options.ClientCore);
var repository = options.Repository;
var run = Path.Combine(options.Cache, $"run-{DateTime.UtcNow:yyyyMMddHHmmss}");
Directory.CreateDirectory(run);
var seeded = await Seeding.SeededFileAsync(options.Cache, options.Customers);
File.Copy(seeded, Path.Combine(run, "directory.db"));

Console.WriteLine($"Machine: {Environment.ProcessorCount} cores; load average {File.ReadAllText("/proc/loadavg").Trim()}");
await using var redis = await RedisServer.StartAsync(Path.Combine(run, "redis"));
var identityGrpc = BenchProcess.FreePort();
var identityHttp = BenchProcess.FreePort();
var directoryGrpc = BenchProcess.FreePort();
var directoryHttp = BenchProcess.FreePort();
var adminPassword = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
var shared = new Dictionary<string, string>
{
    // The runtime setting the local run and the container image start every service with (README, "Runtime settings"):
    // measured without it, Directory would collect with the 2 MB first generation these machines fall back to.
    ["DOTNET_GCgen0size"] = "0x2000000",
    ["Redis__Configuration"] = redis.Configuration,
    ["Auth__Authority"] = $"http://127.0.0.1:{identityHttp}",
    ["Endpoints__BindAddress"] = "127.0.0.1",
    ["Storage__DataDirectory"] = run,
    ["KeyProtection__Key"] = Secret(),
    ["Erasure__TombstonePepper"] = Secret(),
};
var eventKeys = ServiceNames.Backends.ToDictionary(service => service, _ => ECDsa.Create(ECCurve.NamedCurves.nistP256));
await using var identity = BenchProcess.Start(
    Path.Combine(repository, "services/Identity/ServiceDesk.Identity/bin/Release/net10.0/ServiceDesk.Identity.dll"),
    options.ClientCore,
    [],
    new Dictionary<string, string>(shared.Concat(EventKeys(ServiceNames.Identity, eventKeys)))
    {
        ["Endpoints__GrpcPort"] = $"{identityGrpc}",
        ["Endpoints__HttpPort"] = $"{identityHttp}",
        ["Identity__Throttling__KeySecret"] = Secret(),
        ["Identity__BootstrapAdmin__Login"] = "admin@bench.example",
        ["Identity__BootstrapAdmin__Password"] = adminPassword,
        ["Identity__Tokens__AccessTokenLifetime"] = "01:00:00",
        ["Identity__Tokens__RefreshTokenLifetime"] = "02:00:00",
        ["Identity__Tokens__AbsoluteSessionLifetime"] = "03:00:00",
    },
    Path.Combine(run, "identity.log"));
var directoryEnvironment = new Dictionary<string, string>(shared.Concat(EventKeys(ServiceNames.Directory, eventKeys)))
{
    ["Endpoints__GrpcPort"] = $"{directoryGrpc}",
    ["Endpoints__HttpPort"] = $"{directoryHttp}",
};
foreach (var setting in options.DirectorySettings)
{
    directoryEnvironment[setting.Key] = setting.Value;
}

// The bare server gets Directory's runtime settings: the one above, and any DOTNET_ setting given for Directory.
var bareEnvironment = directoryEnvironment.Where(setting => setting.Key.StartsWith("DOTNET_", StringComparison.Ordinal)).ToDictionary();

// The bare server runs on the server core from the start, idle while Directory is measured, and is measured in each
// pass right before Directory's null calls: measured last, after Directory was stopped, with a process started just
// then, its figures depended on when it ran rather than on what it does.
var barePort = BenchProcess.FreePort();
await using var bare = BenchProcess.Start(
    Path.Combine(repository, "bench/ServiceDesk.Bench.BareGrpc/bin/Release/net10.0/ServiceDesk.Bench.BareGrpc.dll"),
    options.ServerCore,
    [$"{barePort}"],
    bareEnvironment,
    Path.Combine(run, "bare.log"));
var directoryStarted = DateTime.UtcNow;
var directory = BenchProcess.Start(
    Path.Combine(repository, "services/Directory/ServiceDesk.Directory/bin/Release/net10.0/ServiceDesk.Directory.dll"),
    options.ServerCore,
    [],
    directoryEnvironment,
    Path.Combine(run, "directory.log"));
try
{
    await WaitServingAsync(identityGrpc, identity);
    await WaitServingAsync(directoryGrpc, directory);
    await WaitServingAsync(barePort, bare);
    var agentToken = await AgentTokenAsync(identityGrpc, adminPassword);
    // h2load sends the header Huffman-coded and unindexed, so Kestrel decodes every character of it on every call.
    Console.WriteLine($"Agent token: {agentToken.Length} characters (the authorization header {"Bearer ".Length + agentToken.Length}).");
    var directoryUrl = $"http://127.0.0.1:{directoryGrpc}";
    var suggestUrl = $"{directoryUrl}/servicedesk.directory.v1.DirectoryService/SuggestCustomers";
    var healthUrl = $"{directoryUrl}/grpc.health.v1.Health/Check";
    using var load = new GrpcLoad(options.ClientCore, TimeSpan.FromSeconds(options.Seconds), run);
    var first = FixedCall.Of("SuggestCustomers `j`", suggestUrl, new SuggestCustomersRequest { ProjectKey = Seeding.Project, Text = "j", Limit = 10 }, agentToken);
    while (await StatusOrTimeoutAsync(load, first) is not "0" and var refused)
    {
        if (directory.HasExited || DateTime.UtcNow - directoryStarted > TimeSpan.FromMinutes(3))
        {
            throw new InvalidOperationException($"Directory never answered SuggestCustomers (last grpc-status {refused}); see {run}/directory.log.");
        }

        await Task.Delay(100);
    }

    Console.WriteLine($"Directory serving suggestions {(DateTime.UtcNow - directoryStarted).TotalSeconds:F1} s after its start (index loaded).");
    Console.WriteLine(await WaitUntilQuietAsync(directory));
    var bareCall = FixedCall.Of("bare Kestrel Health/Check", $"http://127.0.0.1:{barePort}/grpc.health.v1.Health/Check", new HealthCheckRequest(), null);
    FixedCall[] nullCalls =
    [
        FixedCall.Of("Health/Check `\"\"` (every dependency check)", healthUrl, new HealthCheckRequest(), null),
        FixedCall.Of("Health/Check `liveness` (no I/O)", healthUrl, new HealthCheckRequest { Service = "liveness" }, null),
        FixedCall.Of("Health/Check `liveness` + agent token", healthUrl, new HealthCheckRequest { Service = "liveness" }, agentToken),
    ];
    FixedCall[] suggestions =
    [
        .. options.Cases.Select(text =>
            FixedCall.Of($"SuggestCustomers `{text}`", suggestUrl, new SuggestCustomersRequest { ProjectKey = Seeding.Project, Text = text, Limit = 10 }, agentToken)),
    ];
    // Every case, the bare server's too, is measured twice and the second pass reported: in a single pass whichever
    // cases came first (the null calls) paid for a freshly started server settling (its first collections, code still
    // being recompiled), which made them look slower than suggestions measured later, and the bare server, measured
    // once right after its start, slower than a warm Directory.
    Console.WriteLine("First pass (settling, not reported):");
    await MeasureAsync(load, bareCall, options.Calls, bare);
    foreach (var call in nullCalls.Concat(suggestions))
    {
        await MeasureAsync(load, call, options.Calls, directory);
    }

    // The machine's speed drifts by a third and more within a pass, even between two saturations a few seconds apart
    // (the null call at 73,682 and 114,486 calls/s in one pass): a suggestion measured a minute after the pass's null
    // call was compared with another machine. So each suggestion is also saturated in short slices alternating with the
    // null call's, and compared with them: a drift slower than a slice falls on both alike.
    Console.WriteLine("Second pass (reported):");
    List<Measured> results = [await MeasureAsync(load, bareCall, options.Calls, bare)];
    foreach (var call in nullCalls)
    {
        results.Add(await MeasureAsync(load, call, options.Calls, directory));
    }

    foreach (var call in suggestions)
    {
        var measured = await MeasureAsync(load, call, options.Calls, directory);
        var alternated = await AlternateAsync(load, nullCalls[0], call, options, directory);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"    alternating with {nullCalls[0].Name} ({options.Rounds} × {options.SliceSeconds} s each): {alternated.CallsPerSecond:F0} against {alternated.NullCallsPerSecond:F0} calls/s, {alternated.CpuMicrosecondsPerCall:F1} against {alternated.NullCpuMicrosecondsPerCall:F1} µs per call"));
        results.Add(measured with { Alternated = alternated });
    }

    Report(results, options);
    Console.WriteLine($"Load average at the end: {File.ReadAllText("/proc/loadavg").Trim()}");
    Directory.Delete(run, recursive: true);
}
finally
{
    await directory.DisposeAsync();
}

// Null call and suggestion saturated in turn, options.Rounds times each: their mean rates and CPU per call.
static async Task<Alternation> AlternateAsync(GrpcLoad load, FixedCall nullCall, FixedCall call, Options options, BenchProcess server)
{
    List<Saturation> nulls = [], calls = [];
    for (var round = 0; round < options.Rounds; round++)
    {
        nulls.Add(await load.SaturateAsync(nullCall, () => server.CpuTime, TimeSpan.FromSeconds(options.SliceSeconds)));
        calls.Add(await load.SaturateAsync(call, () => server.CpuTime, TimeSpan.FromSeconds(options.SliceSeconds)));
    }

    if (calls.Concat(nulls).Any(slice => slice.Failed > 0) || (await load.CallAsync(call)).GrpcStatus != "0" || (await load.CallAsync(nullCall)).GrpcStatus != "0")
    {
        throw new InvalidOperationException($"{call.Name}: a call failed while alternating with {nullCall.Name}.");
    }

    return new Alternation(
        nulls.Average(slice => slice.CallsPerSecond),
        calls.Average(slice => slice.CallsPerSecond),
        nulls.Average(slice => slice.CpuMicrosecondsPerCall),
        calls.Average(slice => slice.CpuMicrosecondsPerCall));
}

// While the index loads on a busy machine, the first call may outlast the client's timeout: ask again.
static async Task<string> StatusOrTimeoutAsync(GrpcLoad load, FixedCall call)
{
    try
    {
        return (await load.CallAsync(call)).GrpcStatus;
    }
    catch (TaskCanceledException)
    {
        return "none (timed out)";
    }
}

static async Task<Measured> MeasureAsync(GrpcLoad load, FixedCall call, int calls, BenchProcess server)
{
    var before = await load.CallAsync(call);
    var suggested = call.Url.EndsWith("/SuggestCustomers", StringComparison.Ordinal) && before.GrpcStatus == "0"
        ? SuggestCustomersResponse.Parser.ParseFrom(before.Message).Suggestions.Count
        : -1;
    var latency = await load.OneInFlightAsync(call, warmUp: Math.Min(500, calls / 4), calls, () => server.CpuTime);
    var cpuMicroseconds = latency.ServerCpu.TotalMicroseconds / calls;
    var saturation = await load.SaturateAsync(call, () => server.CpuTime);
    var after = await load.CallAsync(call);
    if (before.GrpcStatus != "0" || after.GrpcStatus != "0" || latency.Failed > 0)
    {
        throw new InvalidOperationException($"{call.Name}: grpc-status {before.GrpcStatus} before, {after.GrpcStatus} after h2load, {latency.Failed} failed of {latency.Calls}.");
    }

    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"  {call.Name}: p50 {latency.P50:F3} ms, p99 {latency.P99:F3} ms, server CPU {cpuMicroseconds:F0} µs per call one in flight; {saturation.CallsPerSecond:F0} calls/s at saturation, server CPU {saturation.CpuMicrosecondsPerCall:F1} µs per call, {saturation.ServerCoreShare:P0} of its core"));
    return new Measured(call, suggested, latency, saturation, cpuMicroseconds);
}

static void Report(List<Measured> results, Options options)
{
    var bare = results[0].Saturation;
    var nullCall = results[1].Saturation;
    Console.WriteLine();
    Console.WriteLine($"{options.Customers:N0} customers in {Seeding.Project}; limit 10; one call in flight: {options.Calls} calls after a warm-up; saturation: h2load -t 1 -c 4 -m 16, 2 s warm-up + {options.Seconds} s.");
    Console.WriteLine("Ratios by CPU: the null call's (or the bare method's) server CPU per call at saturation ÷ the call's, i.e. the share of their throughput the call reaches where the server's core is the limit.");
    Console.WriteLine($"Alternated: the suggestion and the null call saturated in turn, {options.Rounds} slices of {options.SliceSeconds} s each (after 2 s of warm-up each), mean rates and CPU per call (same phases of the machine); the other ratios against the pass's own null-call row.");
    Console.WriteLine();
    Console.WriteLine("| call | results | p50 ms | p90 ms | p99 ms | max ms | server CPU µs per call, one in flight | calls/s at saturation | server core busy | server CPU µs per call at saturation | ÷ Directory null call, by rate | ÷ Directory null call, by CPU | alternated: calls/s, null call's | alternated ÷ null call, by rate | alternated ÷ null call, by CPU | ÷ bare Kestrel, by CPU |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var (call, suggested, latency, saturation, cpuMicroseconds, alternation) in results)
    {
        var alternatedColumns = alternation is { } turns
            ? string.Create(CultureInfo.InvariantCulture, $"{turns.CallsPerSecond:F0}, {turns.NullCallsPerSecond:F0} | {turns.CallsPerSecond / turns.NullCallsPerSecond:P0} | {turns.NullCpuMicrosecondsPerCall / turns.CpuMicrosecondsPerCall:P0}")
            : "- | - | -";
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {call.Name} | {(suggested < 0 ? "-" : suggested.ToString(CultureInfo.InvariantCulture))} | {latency.P50:F3} | {latency.P90:F3} | {latency.P99:F3} | {latency.Max:F2} | {cpuMicroseconds:F0} | {saturation.CallsPerSecond:F0} | {saturation.ServerCoreShare:P0} | {saturation.CpuMicrosecondsPerCall:F1} | {saturation.CallsPerSecond / nullCall.CallsPerSecond:P0} | {nullCall.CpuMicrosecondsPerCall / saturation.CpuMicrosecondsPerCall:P0} | {alternatedColumns} | {bare.CpuMicrosecondsPerCall / saturation.CpuMicrosecondsPerCall:P0} |"));
    }
}

// Right after loading the index Directory is still busy (collecting the load's garbage, recompiling hot code): a case
// measured then, the null call first of all, pays for it. Waits for a second in which it used under 5% of a core.
static async Task<string> WaitUntilQuietAsync(BenchProcess server)
{
    var waited = System.Diagnostics.Stopwatch.StartNew();
    while (true)
    {
        var before = server.CpuTime;
        await Task.Delay(TimeSpan.FromSeconds(1));
        var busy = (server.CpuTime - before).TotalSeconds;
        if (busy < 0.05 || waited.Elapsed > TimeSpan.FromSeconds(60))
        {
            return string.Create(CultureInfo.InvariantCulture, $"Directory used {busy:P1} of a core in the second after waiting {waited.Elapsed.TotalSeconds:F0} s for it to be quiet.");
        }
    }
}

static async Task WaitServingAsync(int port, BenchProcess process)
{
    using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
    var health = new Health.HealthClient(channel);
    var deadline = DateTime.UtcNow.AddMinutes(2);
    while (true)
    {
        try
        {
            var reply = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
            if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving)
            {
                return;
            }
        }
        catch (Grpc.Core.RpcException) when (DateTime.UtcNow < deadline && !process.HasExited)
        {
        }

        if (process.HasExited || DateTime.UtcNow > deadline)
        {
            throw new InvalidOperationException($"The process on port {port} did not start serving.");
        }

        await Task.Delay(200);
    }
}

static async Task<string> AgentTokenAsync(int identityPort, string adminPassword)
{
    using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{identityPort}");
    var identity = new IdentityService.IdentityServiceClient(channel);
    var admin = await identity.SignInAsync(new SignInRequest { Login = "admin@bench.example", Password = adminPassword });
    var agentPassword = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    await identity.CreateAccountAsync(
        new CreateAccountRequest { Login = "agent@bench.example", Password = agentPassword, Role = Role.Agent, ProjectKeys = { Seeding.Project } },
        new Grpc.Core.Metadata { { "authorization", $"Bearer {admin.AccessToken}" } });
    return (await identity.SignInAsync(new SignInRequest { Login = "agent@bench.example", Password = agentPassword })).AccessToken;
}

static string Secret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

// Each service its own event signing key, and every one's public half: what the services need to start.
static Dictionary<string, string> EventKeys(string service, IReadOnlyDictionary<string, ECDsa> keys)
{
    var settings = new Dictionary<string, string> { ["Messaging__SigningKey"] = Convert.ToBase64String(keys[service].ExportPkcs8PrivateKey()) };
    foreach (var (publisher, key) in keys)
    {
        settings[$"Messaging__PublisherKeys__{publisher}"] = Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());
    }

    return settings;
}

internal sealed record Measured(FixedCall Call, int Suggested, Latency Latency, Saturation Saturation, double CpuMicroseconds, Alternation? Alternated = null);

internal sealed record Alternation(double NullCallsPerSecond, double CallsPerSecond, double NullCpuMicrosecondsPerCall, double CpuMicrosecondsPerCall);

internal sealed record Options(
    int Customers, int Seconds, int Calls, int ServerCore, int ClientCore, string Cache, string Repository, IReadOnlyDictionary<string, string> DirectorySettings, IReadOnlyList<string> Cases,
    int Rounds, int SliceSeconds)
{
    public static Options Parse(string[] args)
    {
        string Value(string name, string fallback) => Array.IndexOf(args, name) is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
        int Number(string name, int fallback) => int.Parse(Value(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        // --directory-setting Key=Value (repeatable): extra configuration for Directory, to measure one part of the pipeline at a time.
        var settings = args.Select((arg, i) => (arg, i))
            .Where(pair => pair.arg == "--directory-setting" && pair.i + 1 < args.Length)
            .Select(pair => args[pair.i + 1].Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1]);
        return new Options(
            Number("--customers", 100_000),
            Number("--seconds", 8),
            Number("--calls", 2_000),
            Number("--server-core", 0),
            Number("--client-core", 1),
            Value("--cache", Path.Combine(Path.GetTempPath(), "servicedesk-picker-bench")),
            Path.GetFullPath(Value("--repository", ".")),
            settings,
            // --cases "jane roe,company07" measures only those suggestion texts (the null calls always).
            Value("--cases", "j,jo,jos,a,an,ann,z,zo,jane roe,company07,jane.r").Split(','),
            // --rounds R --slice-seconds S: each suggestion alternated with the null call R times, S seconds each.
            Number("--rounds", 3),
            Number("--slice-seconds", 3));
    }
}
