using Grpc.Core;
using Grpc.Health.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Testing;
using Xunit;
using Xunit.Abstractions;

namespace ServiceDesk.Robustness.Tests.BadInput;

/// <summary>
/// Every RPC of every service receives generated malformed input from every kind of caller: no answer may be
/// INTERNAL, UNKNOWN or DATA_LOSS (a crash or an unhandled case), every answer comes within its deadline, and
/// the service is healthy afterwards.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class BadInputSweepTests(SystemHosts hosts, ITestOutputHelper output)
{
    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(bytes => bytes, bytes => bytes);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private static readonly StatusCode[] Unacceptable = [StatusCode.Internal, StatusCode.Unknown, StatusCode.DataLoss, StatusCode.DeadlineExceeded];

    public static TheoryData<string> Services => [.. ServiceNames.Backends];

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Every_rpc_answers_malformed_input_with_a_clear_status_and_the_service_stays_healthy(string service)
    {
        var host = hosts[service];
        var invoker = host.Channel.CreateCallInvoker();
        var failures = new List<string>();
        var statuses = new Dictionary<StatusCode, int>();
        var methods = RpcSurface.ServedBy(service);
        Assert.NotEmpty(methods);

        foreach (var rpc in methods)
        {
            var callers = await hosts.CallersAsync();
            var method = new Method<byte[], byte[]>(MethodType.Unary, rpc.Service.FullName, rpc.Name, Raw, Raw);
            foreach (var input in MalformedInputs.For(rpc.InputType))
            {
                // Large bodies cost time, not coverage: one privileged caller sends them.
                foreach (var (caller, headers) in input.Body.Length > 64 * 1024 ? callers.Where(c => c.Name == "admin") : callers)
                {
                    var status = await StatusOfAsync(invoker, method, headers, input.Body);
                    statuses[status.StatusCode] = statuses.GetValueOrDefault(status.StatusCode) + 1;
                    if (Unacceptable.Contains(status.StatusCode))
                    {
                        failures.Add($"{rpc.FullName} as {caller}, {input.Description}: {status.StatusCode} {status.Detail}");
                    }
                }
            }
        }

        output.WriteLine($"{service}: {methods.Count} RPCs, {statuses.Values.Sum()} calls; " +
            string.Join(", ", statuses.OrderByDescending(s => s.Value).Select(s => $"{s.Key} {s.Value}")));
        Assert.True(failures.Count == 0, $"{failures.Count} unacceptable answers:\n{string.Join('\n', failures.Take(40))}");
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await host.HealthAsync());
    }

    private static async Task<Status> StatusOfAsync(CallInvoker invoker, Method<byte[], byte[]> method, Metadata headers, byte[] body)
    {
        try
        {
            await invoker.AsyncUnaryCall(method, null, new CallOptions(headers, DateTime.UtcNow + Deadline), body);
            return Status.DefaultSuccess;
        }
        catch (RpcException exception)
        {
            return exception.Status;
        }
    }
}
