using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Hosting;

namespace ServiceDesk.Testing;

/// <summary>
/// A host with the shared service defaults whose TicketingService handlers (GetProject, ListProjects) wait until the
/// test opens its <see cref="CallGate"/>: calls held in hand for as long as a test needs, without timing.
/// </summary>
public static class GatedProbe
{
    public static readonly ServiceApp App = new(
        "probe",
        "ServiceDesk.Testing",
        builder =>
        {
            builder.AddServiceDefaults("probe");
            builder.Services.AddSingleton<CallGate>();
        },
        app =>
        {
            app.MapServiceDefaults();
            app.MapGrpcService<GatedTicketing>();
        });

    public static CallGate Gate(this ServiceHost host) => host.Services.GetRequiredService<CallGate>();

    private sealed class GatedTicketing(CallGate gate) : TicketingService.TicketingServiceBase
    {
        public override async Task<Project> GetProject(GetProjectRequest request, ServerCallContext context)
        {
            await gate.PassAsync(context.CancellationToken);
            return new Project { Key = request.Key, Name = "Held" };
        }

        public override async Task<ListProjectsResponse> ListProjects(ListProjectsRequest request, ServerCallContext context)
        {
            await gate.PassAsync(context.CancellationToken);
            return new ListProjectsResponse();
        }
    }
}

/// <summary>Counts the calls that reached a handler and holds them until <see cref="Open"/>.</summary>
public sealed class CallGate
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _entered;

    public int Entered => Volatile.Read(ref _entered);

    public Task PassAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _entered);
        return _open.Task.WaitAsync(cancellationToken);
    }

    public void Open() => _open.TrySetResult();
}
