using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;

namespace ServiceDesk.Gateway.Problems;

/// <summary>
/// Input the endpoints could not even bind — a body that is not JSON or holds a value of the wrong type, a query
/// value that is not a number, a missing body — answered as the gateway's own refusals are (<see cref="GrpcProblems.Invalid"/>):
/// 400 problem+json naming the field; any other 4xx refusal with its own status, never 500. The value sent is never
/// echoed (it may be an address).
/// </summary>
internal sealed partial class BadRequestProblems : IExceptionHandler
{
    // The binding failures of the endpoints are 400. Another status is ASP.NET Core's own refusal, answered as the bare
    // status is (AddCode): a body with no Content-Type at all throws 415, where one of another media type gets it without an exception.
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException { StatusCode: >= 400 and < 500 } badRequest || http.Response.HasStarted)
        {
            return false;
        }

        if (badRequest.StatusCode != StatusCodes.Status400BadRequest)
        {
            await Results.Problem(statusCode: badRequest.StatusCode).ExecuteAsync(http);
            return true;
        }

        var (field, description) = Describe(badRequest);
        await GrpcProblems.Invalid(field, description).ExecuteAsync(http);
        return true;
    }

    /// <summary>
    /// The problems ASP.NET Core writes from a bare status (a body too large or of another media type, which the
    /// endpoints refuse without throwing; no route; a method the route does not take) get a <c>code</c> too, so that
    /// every problem of the API carries one.
    /// </summary>
    public static void AddCode(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Extensions.ContainsKey("code"))
        {
            return;
        }

        var (code, bodyError) = problem.Status switch
        {
            StatusCodes.Status404NotFound => ("NOT_FOUND", null),
            StatusCodes.Status405MethodNotAllowed => ("METHOD_NOT_ALLOWED", null),
            StatusCodes.Status413PayloadTooLarge => ("REQUEST_TOO_LARGE", "is larger than this API accepts (Endpoints:MaxRequestBytes)"),
            StatusCodes.Status415UnsupportedMediaType => ("UNSUPPORTED_MEDIA_TYPE", "must be sent as application/json"),
            >= 400 and < 500 => ("INVALID_ARGUMENT", (string?)null),
            _ => ("INTERNAL", null),
        };
        problem.Extensions["code"] = code;
        if (bodyError is not null && !problem.Extensions.ContainsKey("errors"))
        {
            problem.Extensions["errors"] = new Dictionary<string, string[]> { ["body"] = [bodyError] };
        }
    }

    private static (string Field, string Description) Describe(BadHttpRequestException exception) => exception switch
    {
        { InnerException: JsonException json } when json.Message.Contains("duplicate", StringComparison.OrdinalIgnoreCase) => (FieldOf(json), "is given more than once"),
        // Its path would be the client's own 64 nested levels, under a property no body has.
        { InnerException: JsonException json } when json.Message.StartsWith(DepthExceeded, StringComparison.Ordinal) => ("body", $"is nested deeper than this API reads ({MaxJsonDepth} levels)"),
        { InnerException: JsonException json } => (FieldOf(json), json.Path is null or "$" ? "must be a JSON object" : "has a value of the wrong type"),
        _ when exception.Message.StartsWith(MissingBody, StringComparison.Ordinal) => ("body", "is required: send a JSON object"),
        _ when ParameterName().Match(exception.Message) is { Success: true } match =>
            (match.Groups["name"].Value, match.Groups["verb"].Value == "Required" ? "is required" : "has a value of the wrong type"),
        _ => ("body", "could not be read"),
    };

    /// <summary>"$.projectKeys[1]" → "projectKeys[1]"; the whole document ("$", or unreadable) → "body".</summary>
    private static string FieldOf(JsonException json) =>
        json.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "body";

    // ASP.NET Core's binding messages: 'Implicit body inferred for parameter "ModeBody body" but no body was provided. …'
    // (every body here is inferred), 'Failed to bind parameter "int? pageSize" from "abc".', 'Required parameter "string
    // key" was not provided from route.'
    private const string MissingBody = "Implicit body inferred for parameter ";

    // System.Text.Json's: 'The maximum configured depth of 64 has been exceeded. Cannot read next JSON array. …'
    private const string DepthExceeded = "The maximum configured depth of ";

    /// <summary>System.Text.Json's default, which the gateway's JSON options keep.</summary>
    private const int MaxJsonDepth = 64;

    [GeneratedRegex(@"^(?<verb>Failed to bind|Required) parameter ""(?:[^""]* )?(?<name>[^"" ]+)""")]
    private static partial Regex ParameterName();
}
