using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Hosting;
using ServiceDesk.Robustness.Tests.BadInput;
using Xunit;
using Xunit.Abstractions;

namespace ServiceDesk.Robustness.Tests.Authorization;

/// <summary>
/// The authorisation matrix: every row of <see cref="AccessTable"/> called by every kind of caller. A caller the
/// row allows must succeed (so the request is one that can succeed, and a refusal elsewhere is about the caller);
/// every other caller must be refused (UNAUTHENTICATED, PERMISSION_DENIED, NOT_FOUND; HTTP 401, 403, 404), except
/// that a caller of a scoped list may get an answer holding nothing of the customer's.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class AuthorizationMatrixTests(SystemHosts hosts, ITestOutputHelper output)
{
    public static TheoryData<string> Targets => [.. AccessTable.Rows.Select(row => row.Target)];

    [Fact]
    public void Every_rpc_of_every_service_and_every_gateway_endpoint_has_exactly_one_row()
    {
        var surface = ServiceNames.Backends
            .SelectMany(service => RpcSurface.ServedBy(service).Select(method => AccessRow.RpcTarget(service, $"/{method.Service.FullName}/{method.Name}")))
            .Concat(GatewayEndpoints())
            .ToList();
        var rows = AccessTable.Rows.Select(row => row.Target).ToList();

        Assert.Equal(rows.Count, rows.Distinct().Count());
        var missing = surface.Except(rows).ToList();
        var stale = rows.Except(surface).ToList();
        Assert.True(missing.Count == 0 && stale.Count == 0,
            $"Rows missing from {nameof(AccessTable)}:\n{string.Join('\n', missing)}\nRows of nothing served:\n{string.Join('\n', stale)}");
        output.WriteLine($"{surface.Count} RPCs and endpoints, {Enum.GetValues<Who>().Length} kinds of caller");
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Only_the_callers_a_row_allows_succeed(string target)
    {
        var row = AccessTable.Rows.Single(r => r.Target == target);
        var scene = await AccessScene.CreateAsync(hosts);
        var wrong = new List<string>();
        foreach (var who in Enum.GetValues<Who>())
        {
            var answer = await row.Call(scene, who);
            output.WriteLine($"{who}: {answer.Status}");
            var acceptable = row.MaySucceed.Contains(who)
                ? answer.Outcome == Outcome.Success || answer.Status == row.PastAuthorisation
                : answer.Outcome == Outcome.Refused
                    || (answer.Outcome == Outcome.Success && row.SeeOnlyTheirOwn.Contains(who) && !scene.Markers.Any(marker => answer.Body.Contains(marker, StringComparison.OrdinalIgnoreCase)));
            if (!acceptable)
            {
                wrong.Add($"{who}: {(row.MaySucceed.Contains(who) ? "should succeed" : "should be refused")}, got {answer.Status} {Shorten(answer.Body)}");
            }
        }

        Assert.True(wrong.Count == 0, $"{target}:\n{string.Join('\n', wrong)}");
    }

    private IEnumerable<string> GatewayEndpoints() =>
        hosts.Gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(method => AccessRow.EndpointTarget(method, endpoint.RoutePattern.RawText!)));

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
