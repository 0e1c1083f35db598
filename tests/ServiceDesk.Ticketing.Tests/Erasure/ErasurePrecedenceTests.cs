using System.Diagnostics.Metrics;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Ticketing.Tests.Erasure;

/// <summary>
/// While Ticketing applies a removal its API calls run one at a time (<see cref="ErasurePrecedence"/>), driven here on
/// the real host: the test holds the removal's precedence and one call's turn itself, so which call waits is certain.
/// </summary>
[Collection(TicketingCollection.Name)]
public sealed class ErasurePrecedenceTests(TicketingHosts hosts)
{
    [Fact]
    public async Task While_a_removal_is_applied_each_call_waits_for_the_one_before_it_and_afterwards_none_waits()
    {
        var project = await hosts.NewProjectAsync();
        var precedence = hosts.Ticketing.Services.GetRequiredService<ErasurePrecedence>();
        using var yielded = new YieldedCalls();
        AsyncUnaryCall<ListTicketsResponse> List(TimeSpan deadline) =>
            hosts.Client.ListTicketsAsync(new ListTicketsRequest { ProjectKey = project }, hosts.Admin, DateTime.UtcNow + deadline);

        var removal = precedence.Hold();
        try
        {
            AsyncUnaryCall<ListTicketsResponse> next;
            using (await precedence.TakeTurnAsync(CancellationToken.None))
            {
                // Another call holds the turn: this one waits for it until its deadline.
                await RpcAssert.FailsAsync(StatusCode.DeadlineExceeded, () => List(TimeSpan.FromSeconds(1)));
                // Health checks and the erasure participant's own API do not yield.
                var health = await new Health.HealthClient(hosts.Ticketing.Channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
                Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
                next = List(TimeSpan.FromSeconds(30));
            }

            await next;
            Assert.True(yielded.Count >= 1, "the call that got its turn is counted");
        }
        finally
        {
            removal.Dispose();
        }

        // With no removal applied, a call does not wait even while another holds the turn it would wait for.
        var lastRemoval = precedence.Hold();
        using (await precedence.TakeTurnAsync(CancellationToken.None))
        {
            lastRemoval.Dispose();
            await List(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>servicedesk.erasure.calls_yielded as an operator's metrics exporter sees it.</summary>
    private sealed class YieldedCalls : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _count;

        public YieldedCalls()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == "servicedesk.erasure.calls_yielded")
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
