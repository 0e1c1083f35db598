using System.Diagnostics.Metrics;
using System.Net;
using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Hosting.Overload;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Hosting.Tests.Overload;

/// <summary>
/// A replica serving all the calls it may at once queues a few more and refuses the rest with RESOURCE_EXHAUSTED
/// and RetryInfo, answers its health checks meanwhile, and serves normally once the calls in hand end. The handlers
/// are held on a gate, not timed, so the figures are exact on a busy machine. Costs about a second.
/// </summary>
public sealed class OverloadTests
{
    private const int MaxConcurrentCalls = 2;
    private const int QueueLimit = 2;
    private const int Calls = 12;
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Calls_beyond_the_limit_and_its_queue_get_resource_exhausted_with_retry_info_while_health_is_answered()
    {
        await using var host = await ServiceHost.StartAsync(GatedProbe.App, new Dictionary<string, string?>
        {
            ["Overload:MaxConcurrentCalls"] = $"{MaxConcurrentCalls}",
            ["Overload:QueueLimit"] = $"{QueueLimit}",
            ["Overload:RetryAfter"] = RetryAfter.ToString(),
        });
        var gate = host.Gate();
        using var rejected = new RejectedCallsListener();
        var client = new TicketingService.TicketingServiceClient(host.Channel);

        var calls = Enumerable.Range(0, Calls).Select(_ => StatusOfAsync(() => client.GetProjectAsync(new GetProjectRequest { Key = "HELP" }, deadline: DateTime.UtcNow.AddMinutes(1)).ResponseAsync)).ToList();
        await Eventually.WaitForAsync(() => gate.Entered == MaxConcurrentCalls && calls.Count(call => call.IsCompleted) == Calls - MaxConcurrentCalls - QueueLimit, "the calls beyond the limit and its queue to be refused");

        var health = await new Health.HealthClient(host.Channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
        using var liveness = await host.Http.GetAsync("/livez");
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.Equal(HttpStatusCode.OK, liveness.StatusCode);
        Assert.Equal(MaxConcurrentCalls, gate.Entered);

        gate.Open();
        var outcomes = await Task.WhenAll(calls);

        Assert.Equal(MaxConcurrentCalls + QueueLimit, outcomes.Count(error => error is null));
        var refused = outcomes.OfType<RpcException>().ToList();
        Assert.Equal(Calls - MaxConcurrentCalls - QueueLimit, refused.Count);
        Assert.All(refused, error =>
        {
            Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
            Assert.Equal(RetryAfter, error.GetRpcStatus()?.GetDetail<RetryInfo>()?.RetryDelay.ToTimeSpan());
        });
        Assert.Equal("HELP", (await client.GetProjectAsync(new GetProjectRequest { Key = "HELP" }, deadline: DateTime.UtcNow.AddSeconds(10))).Key);
        Assert.Equal(MaxConcurrentCalls + QueueLimit + 1, gate.Entered);
        Assert.Equal(refused.Count, rejected.Count);
    }

    private static async Task<RpcException?> StatusOfAsync(Func<Task> call)
    {
        try
        {
            await call();
            return null;
        }
        catch (RpcException error)
        {
            return error;
        }
    }

    /// <summary>Sums <c>servicedesk.calls.rejected</c> as the service records it (only this test's host refuses calls).</summary>
    private sealed class RejectedCallsListener : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _count;

        public RejectedCallsListener()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == OverloadMetrics.MeterName && instrument.Name == "servicedesk.calls.rejected")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _count, value));
            _listener.Start();
        }

        public long Count => Interlocked.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}
