using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;

namespace ServiceDesk.Hosting.Errors;

/// <summary>
/// An error the caller can act on. The error interceptor turns it into its gRPC status with google.rpc
/// details. Messages and details name ids and fields, never personal data.
/// </summary>
public abstract class ServiceException(StatusCode code, string message) : Exception(message)
{
    public StatusCode Code { get; } = code;

    public virtual IEnumerable<IMessage> Details => [];

    public RpcException ToRpcException()
    {
        var status = new Google.Rpc.Status { Code = (int)Code, Message = Message };
        foreach (var detail in Details)
        {
            status.Details.Add(Google.Protobuf.WellKnownTypes.Any.Pack(detail));
        }

        return status.ToRpcException();
    }

    private protected static IEnumerable<IMessage> ResourceDetails(string resourceType, string resourceId, string state, string? requestField, string fieldDescription)
    {
        yield return new ResourceInfo { ResourceType = resourceType, ResourceName = resourceId, Description = state };
        if (requestField is not null)
        {
            yield return new BadRequest { FieldViolations = { new BadRequest.Types.FieldViolation { Field = requestField, Description = fieldDescription } } };
        }
    }
}

/// <summary>INVALID_ARGUMENT with one field violation per problem.</summary>
public sealed class ValidationException(IReadOnlyList<BadRequest.Types.FieldViolation> violations)
    : ServiceException(StatusCode.InvalidArgument, $"The request has {violations.Count} invalid field(s): {string.Join(", ", violations.Select(v => v.Field).Distinct())}.")
{
    public IReadOnlyList<BadRequest.Types.FieldViolation> Violations { get; } = violations;

    public ValidationException(string field, string description)
        : this([new BadRequest.Types.FieldViolation { Field = field, Description = description }])
    {
    }

    public override IEnumerable<IMessage> Details => [new BadRequest { FieldViolations = { Violations } }];
}

/// <summary>NOT_FOUND, naming the missing resource and, when it came from a request field, that field.</summary>
public sealed class NotFoundException(string resourceType, string resourceId, string? requestField = null)
    : ServiceException(StatusCode.NotFound, $"{resourceType} '{resourceId}' was not found.")
{
    public override IEnumerable<IMessage> Details => ResourceDetails(resourceType, resourceId, "not found", requestField, $"no {resourceType} '{resourceId}'");
}

/// <summary>
/// ALREADY_EXISTS, naming the existing resource's id; without an id (null) for a caller who may not learn which
/// resource it is, with only the field.
/// </summary>
public sealed class AlreadyExistsException(string resourceType, string? existingId, string? requestField = null)
    : ServiceException(
        StatusCode.AlreadyExists,
        $"{(existingId is null ? $"A {resourceType}" : $"{resourceType} '{existingId}'")} already exists{(requestField is null ? "" : $" with this {requestField}")}.")
{
    public override IEnumerable<IMessage> Details => existingId is null
        ? requestField is null ? [] : [new BadRequest { FieldViolations = { new BadRequest.Types.FieldViolation { Field = requestField, Description = $"already used by another {resourceType}" } } }]
        : ResourceDetails(resourceType, existingId, "already exists", requestField, $"already used by {resourceType} '{existingId}'");
}

/// <summary>FAILED_PRECONDITION: the system is not in a state that allows the request.</summary>
public sealed class PreconditionFailedException(string type, string subject, string description)
    : ServiceException(StatusCode.FailedPrecondition, description)
{
    public override IEnumerable<IMessage> Details =>
        [new PreconditionFailure { Violations = { new PreconditionFailure.Types.Violation { Type = type, Subject = subject, Description = Message } } }];
}

/// <summary>PERMISSION_DENIED: authenticated, but the caller's role or scope does not allow this.</summary>
public sealed class PermissionDeniedException(string message) : ServiceException(StatusCode.PermissionDenied, message);

/// <summary>ABORTED: a concurrent change won; read again and retry.</summary>
public sealed class ConcurrencyConflictException(string resourceType, string resourceId)
    : ServiceException(StatusCode.Aborted, $"{resourceType} '{resourceId}' changed meanwhile; read it again and retry.");

/// <summary>RESOURCE_EXHAUSTED with the delay after which a retry may succeed.</summary>
public sealed class RateLimitedException(string message, TimeSpan retryAfter) : ServiceException(StatusCode.ResourceExhausted, message)
{
    public override IEnumerable<IMessage> Details =>
        [new RetryInfo { RetryDelay = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(retryAfter) }];
}

/// <summary>UNAUTHENTICATED: no access token, or one that is invalid, expired or revoked; or wrong credentials.</summary>
public sealed class UnauthenticatedException(string message) : ServiceException(StatusCode.Unauthenticated, message);

/// <summary>UNAVAILABLE: a dependency this call needs cannot be reached now; retrying later may succeed.</summary>
public sealed class UnavailableException(string message) : ServiceException(StatusCode.Unavailable, message);
