using Google.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;

namespace ServiceDesk.Gateway.Problems;

/// <summary>
/// A backend's gRPC status as <c>application/problem+json</c>: the HTTP status of google.rpc's code mapping
/// (<c>google/rpc/code.proto</c>), field violations as <c>errors</c> (JSON field names), <c>Retry-After</c> from
/// RetryInfo, and the code itself as <c>code</c>. An unexpected failure's details never reach the client.
/// </summary>
public static class GrpcProblems
{
    /// <summary>The problems' <c>type</c>: what their <c>code</c> means.</summary>
    public const string CodesReference = "https://grpc.github.io/grpc/core/md_doc_statuscodes.html";

    public static int HttpStatus(StatusCode code) => code switch
    {
        StatusCode.OK => StatusCodes.Status200OK,
        StatusCode.Cancelled => 499,
        StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange => StatusCodes.Status400BadRequest,
        StatusCode.Unauthenticated => StatusCodes.Status401Unauthorized,
        StatusCode.PermissionDenied => StatusCodes.Status403Forbidden,
        StatusCode.NotFound => StatusCodes.Status404NotFound,
        StatusCode.AlreadyExists or StatusCode.Aborted => StatusCodes.Status409Conflict,
        StatusCode.ResourceExhausted => StatusCodes.Status429TooManyRequests,
        StatusCode.Unimplemented => StatusCodes.Status501NotImplemented,
        StatusCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
        StatusCode.DeadlineExceeded => StatusCodes.Status504GatewayTimeout,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static IResult ToProblem(RpcException exception, HttpContext http)
    {
        var status = HttpStatus(exception.StatusCode);
        var details = exception.GetRpcStatus();
        var problem = new ProblemDetails
        {
            Status = status,
            Title = Title(exception.StatusCode),
            // Backends write the messages of their refusals for callers (no personal data, no internals). A failure's
            // message may come from the client library instead ("Connection refused (127.0.0.1:7110)"): its title says enough.
            Detail = IsRefusal(exception.StatusCode) ? exception.Status.Detail : null,
            Type = CodesReference,
        };
        problem.Extensions["code"] = CodeName(exception.StatusCode);
        if (details?.GetDetail<BadRequest>() is { FieldViolations.Count: > 0 } badRequest)
        {
            var errors = badRequest.FieldViolations
                .GroupBy(violation => JsonFieldPath(violation.Field))
                .ToDictionary(group => group.Key, group => group.Select(violation => violation.Description).ToArray());
            problem.Extensions["errors"] = errors;
            if (exception.StatusCode == StatusCode.InvalidArgument)
            {
                // The backend's message lists the fields as the proto spells them ("display_name"), which a client
                // sending them back as written would find ignored: the body's properties are camelCase only.
                problem.Detail = InvalidFields(badRequest.FieldViolations.Count, errors.Keys);
            }
        }

        if (details?.GetDetail<PreconditionFailure>() is { Violations.Count: > 0 } precondition)
        {
            problem.Extensions["preconditions"] = precondition.Violations.Select(violation => new { violation.Type, violation.Subject, violation.Description }).ToArray();
        }

        if (details?.GetDetail<RetryInfo>() is { RetryDelay: { } delay })
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(delay.ToTimeSpan().TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return Results.Problem(problem);
    }

    /// <summary>A problem the gateway finds itself (bad JSON, an unknown enum name): 400 with field errors like a backend's.</summary>
    public static IResult Invalid(string field, string description) =>
        Results.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [description] },
            detail: InvalidFields(1, [field]),
            title: Title(StatusCode.InvalidArgument),
            type: CodesReference,
            extensions: new Dictionary<string, object?> { ["code"] = CodeName(StatusCode.InvalidArgument) });

    /// <summary>400 naming the first null entry of a JSON array, which no repeated field of a request can hold; null when there is none.</summary>
    public static IResult? NullEntry(IReadOnlyList<string?>? entries, string field)
    {
        for (var i = 0; i < (entries?.Count ?? 0); i++)
        {
            if (entries![i] is null)
            {
                return Invalid($"{field}[{i}]", "must not be null");
            }
        }

        return null;
    }

    private static string InvalidFields(int count, IEnumerable<string> fields) => $"The request has {count} invalid field(s): {string.Join(", ", fields)}.";

    private static bool IsRefusal(StatusCode code) => code is StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange
        or StatusCode.Unauthenticated or StatusCode.PermissionDenied or StatusCode.NotFound or StatusCode.AlreadyExists or StatusCode.Aborted
        or StatusCode.ResourceExhausted;

    /// <summary>proto field paths ("reporter_customer_id", "participants[0].customer_id") in the API's camelCase.</summary>
    public static string JsonFieldPath(string protoPath)
    {
        var builder = new System.Text.StringBuilder(protoPath.Length);
        var upper = false;
        foreach (var character in protoPath)
        {
            if (character == '_')
            {
                upper = true;
                continue;
            }

            builder.Append(upper ? char.ToUpperInvariant(character) : character);
            upper = false;
        }

        return builder.ToString();
    }

    private static string CodeName(StatusCode code) =>
        string.Concat(code.ToString().Select((character, index) => index > 0 && char.IsUpper(character) ? "_" + character : character.ToString())).ToUpperInvariant();

    private static string Title(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument => "Invalid argument",
        StatusCode.FailedPrecondition => "Not possible in the current state",
        StatusCode.Unauthenticated => "Sign-in required",
        StatusCode.PermissionDenied => "Not allowed",
        StatusCode.NotFound => "Not found",
        StatusCode.AlreadyExists => "Already exists",
        StatusCode.Aborted => "Conflicting change",
        StatusCode.ResourceExhausted => "Too many requests",
        StatusCode.Unimplemented => "Not available yet",
        StatusCode.Unavailable => "Service unavailable",
        StatusCode.DeadlineExceeded => "The service did not answer in time",
        StatusCode.Cancelled => "Cancelled",
        _ => "Unexpected error",
    };
}
