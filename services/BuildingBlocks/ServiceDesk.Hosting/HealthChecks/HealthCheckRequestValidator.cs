using Grpc.Health.V1;
using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Hosting.HealthChecks;

/// <summary>
/// Bounds the service name of a health Check or Watch. Health needs no token and is outside the overload limit, and
/// an open Watch keeps its request: names of half a million characters on a few hundred streams held hundreds of
/// megabytes of a replica. The names reported ("", "liveness", a dependency check's name, a gateway's backend) are short.
/// </summary>
internal sealed class HealthCheckRequestValidator : IRequestValidator<HealthCheckRequest>
{
    public const int MaxServiceNameLength = 256;

    public void Validate(HealthCheckRequest request, FieldViolations violations) =>
        violations.MaxLength("service", request.Service, MaxServiceNameLength);
}
