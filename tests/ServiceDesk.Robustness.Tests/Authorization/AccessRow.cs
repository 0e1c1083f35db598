using System.Net;
using System.Net.Http.Json;
using Google.Protobuf;
using Grpc.Core;
using static ServiceDesk.Testing.IdentityTestHost;

namespace ServiceDesk.Robustness.Tests.Authorization;

/// <summary>How a call ended, in the matrix's terms: allowed, refused for who the caller is, or anything else.</summary>
public enum Outcome
{
    Success,
    Refused,
    Other,
}

/// <summary>One answer: its outcome, the status as the protocol spells it, and the body (JSON) of a success.</summary>
public sealed record Answer(Outcome Outcome, string Status, string Body)
{
    public static Answer Of(IMessage message) => new(Outcome.Success, "OK", JsonFormatter.Default.Format(message));

    public static Answer Of(RpcException error) =>
        new(error.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied or StatusCode.NotFound ? Outcome.Refused : Outcome.Other,
            error.StatusCode.ToString(), error.Status.Detail);

    public static async Task<Answer> OfAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        var outcome = response.IsSuccessStatusCode ? Outcome.Success
            : response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound ? Outcome.Refused
            : Outcome.Other;
        return new(outcome, $"HTTP {(int)response.StatusCode}", body);
    }
}

/// <summary>
/// One row of the matrix: an RPC of a service (<c>"directory /servicedesk.directory.v1.DirectoryService/GetCustomer"</c>)
/// or a gateway endpoint (<c>"gateway GET /api/v1/customers/{customerId}"</c>), the callers that may succeed, the
/// callers that may get an answer only when it holds nothing of the customer's (a list filtered to their own scope),
/// and the call itself, built for the scene and the caller.
/// </summary>
public sealed record AccessRow(string Target, IReadOnlySet<Who> MaySucceed, IReadOnlySet<Who> SeeOnlyTheirOwn, Func<AccessScene, Who, Task<Answer>> Call)
{
    /// <summary>
    /// Besides success, the status that shows an allowed caller got past the authorisation, where the row's request
    /// cannot succeed (e.g. retrying a removal that awaits approval is FAILED_PRECONDITION for the admin alone).
    /// </summary>
    public string? PastAuthorisation { get; init; }

    public override string ToString() => Target;

    public static string RpcTarget(string service, string fullMethod) => $"{service} {fullMethod}";

    public static string EndpointTarget(string method, string pattern) => $"gateway {method} {pattern}";

    /// <summary>An RPC row: the call is made with the caller's token (none for anonymous).</summary>
    public static AccessRow Rpc<TResponse>(
        string service, string fullMethod, Who[] maySucceed, Func<AccessScene, Who, Metadata, Task<TResponse>> call, params Who[] seeOnlyTheirOwn)
        where TResponse : IMessage =>
        new(RpcTarget(service, fullMethod), maySucceed.ToHashSet(), seeOnlyTheirOwn.ToHashSet(), async (scene, who) =>
        {
            try
            {
                return Answer.Of(await call(scene, who, Bearer(scene.TokenOf(who))));
            }
            catch (RpcException error)
            {
                return Answer.Of(error);
            }
        });

    /// <summary>A gateway row: the request carries the caller's token as a bearer token (none for anonymous).</summary>
    public static AccessRow Endpoint(
        HttpMethod method, string pattern, Who[] maySucceed, Func<AccessScene, Who, Task<(string Path, object? Body)>> request, params Who[] seeOnlyTheirOwn) =>
        new(EndpointTarget(method.Method, pattern), maySucceed.ToHashSet(), seeOnlyTheirOwn.ToHashSet(), async (scene, who) =>
        {
            var (path, body) = await request(scene, who);
            using var message = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                message.Content = JsonContent.Create(body);
            }

            if (scene.TokenOf(who) is { } token)
            {
                message.Headers.Authorization = new("Bearer", token);
            }

            using var response = await scene.Hosts.GatewayApi.SendAsync(message);
            return await Answer.OfAsync(response);
        });
}
