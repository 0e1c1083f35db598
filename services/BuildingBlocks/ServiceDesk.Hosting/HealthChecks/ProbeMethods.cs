namespace ServiceDesk.Hosting.HealthChecks;

/// <summary>The gRPC methods a probe or an operator's tool calls: answered even by a busy or starting replica.</summary>
public static class ProbeMethods
{
    public static bool Includes(string method) =>
        method.StartsWith("/grpc.health.v1.Health/", StringComparison.Ordinal)
        || method.StartsWith("/grpc.reflection.", StringComparison.Ordinal);
}
